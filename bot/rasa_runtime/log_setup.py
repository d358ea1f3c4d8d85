"""Rasa replaces structlog's configuration as it starts; the log scrubber goes back in right after.

`rasa run` calls `configure_structlog` (imported by name into `rasa.__main__`) once, after the
Rasa server entry point has installed bot/log_privacy.py, and so drops its structlog processor.
Wrapping that call re-installs the scrubber before Rasa logs anything of a conversation, and
then logs what `install()` applied (before that, nothing would print an INFO record).
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable, List

from bot import log_privacy
from bot.rasa_runtime import patching
from bot.rasa_runtime.patching import Patch

logger = logging.getLogger(__name__)


def _then_scrub(configure: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(configure)
    def configure_structlog(*args: Any, **kwargs: Any) -> None:
        configure(*args, **kwargs)
        log_privacy.install()
        logger.info("Rasa runtime installed: %s", ", ".join(patching.applied()))

    return configure_structlog


def patches() -> List[Patch]:
    import rasa.__main__

    return [Patch(rasa.__main__, "configure_structlog", _then_scrub(rasa.__main__.configure_structlog))]
