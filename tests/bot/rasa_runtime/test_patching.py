"""A patch is undone exactly: an attribute the owner had comes back, one it inherited goes again."""

from __future__ import annotations

from bot.rasa_runtime import patching
from bot.rasa_runtime.patching import Patch


class Base:
    def inherited(self) -> str:
        return "base"


class Owner(Base):
    def own(self) -> str:
        return "own"


def test_restore_all_puts_back_own_attributes_and_removes_shadowed_inherited_ones():
    own = vars(Owner)["own"]
    patching.apply(Patch(Owner, "own", lambda self: "patched"))
    patching.apply(Patch(Owner, "inherited", lambda self: "patched"))
    assert Owner().own() == Owner().inherited() == "patched"
    patching.restore_all()
    assert vars(Owner)["own"] is own and "inherited" not in vars(Owner)
    assert (Owner().own(), Owner().inherited()) == ("own", "base")


def test_the_same_attribute_patched_twice_comes_back_as_it_was_first():
    own = vars(Owner)["own"]
    patching.apply(Patch(Owner, "own", lambda self: "first"))
    patching.apply(Patch(Owner, "own", lambda self: "second"))
    patching.restore_all()
    assert vars(Owner)["own"] is own
