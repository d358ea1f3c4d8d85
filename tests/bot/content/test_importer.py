"""The importer: idempotent, and all-or-nothing with `file:entry:field` errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.content.importer import ContentInvalid, import_content
from bot.content.models import BodySite, ContentImport, Entry
from tests.conftest import CONTENT_DIR


def copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def count(factory, model) -> int:
    with factory() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_import_is_idempotent(session_factory):
    first = import_content(session_factory, CONTENT_DIR)
    assert first.added == first.entries > 13 and first.changed
    second = import_content(session_factory, CONTENT_DIR)
    assert (second.added, second.updated, second.removed) == (0, 0, 0)
    assert second.unchanged == first.entries and not second.changed
    assert count(session_factory, Entry) == first.entries
    assert count(session_factory, ContentImport) == 1
    assert count(session_factory, BodySite) > 0


def test_changed_and_removed_entries_are_reported(session_factory, tmp_path):
    folder = copy_content(tmp_path)
    import_content(session_factory, folder)
    coping = folder / "coping.yml"
    coping.write_text(coping.read_text().replace("review_status: approved", "review_status: draft", 1))
    (folder / "clinical_trials.yml").unlink()
    with pytest.raises(ContentInvalid, match=r"clinical_trials.yml:-:-: is missing"):
        import_content(session_factory, folder)
    shutil.copy(CONTENT_DIR / "clinical_trials.yml", folder)
    report = import_content(session_factory, folder)
    assert (report.added, report.updated, report.removed) == (0, 1, 0)


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            "sms_answer: >-",
            "sms_answer: \u201cquoted\u201d\n    old_sms: >-",
            "coping.yml:coping-general:old_sms: is not a known field",
        ),
        (
            "review_status: approved",
            "review_status: maybe",
            "coping.yml:coping-general:review_status: must be one of approved, draft",
        ),
        (
            "last_reviewed: 2026-11-21",
            "last_reviewed: last spring",
            "coping.yml:coping-general:last_reviewed: must be a date",
        ),
        (
            "next_review_due: 2027-11-21",
            "next_review_due: 2020-01-01",
            "coping.yml:coping-general:next_review_due: is before last_reviewed",
        ),
        (
            "document: 001_de3e7783103aaa5b.txt",
            "document: made-up.txt",
            "coping.yml:coping-general:sources.document: 'made-up.txt' is not in sources.yml",
        ),
        ("id: coping-general", "id: Coping General", "coping.yml:Coping General:id: must be lowercase"),
        (
            '    question: "How can I cope with breast cancer recurrence?"',
            '    question: "How can I cope with breast cancer recurrence?"\n    body_sites: [elbow]',
            "coping.yml:coping-general:body_sites: 'elbow' is not a site in body_sites.yml",
        ),
        (
            '    question: "How can I cope with breast cancer recurrence?"',
            '    question: "How can I cope with breast cancer recurrence?"\n    body_sites: bone',
            "coping.yml:coping-general:body_sites: must be a list",
        ),
    ],
)
def test_bad_file_names_file_entry_and_field_and_changes_nothing(imported, tmp_path, old, new, expected):
    folder = copy_content(tmp_path)
    path = folder / "coping.yml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    before = count(imported, Entry), count(imported, ContentImport)
    with pytest.raises(ContentInvalid) as raised:
        import_content(imported, folder)
    messages = [str(p) for p in raised.value.problems]
    assert any(m.startswith(expected) for m in messages), messages
    assert (count(imported, Entry), count(imported, ContentImport)) == before


def test_sms_answer_must_be_gsm7_and_short(tmp_path, session_factory):
    folder = copy_content(tmp_path)
    path = folder / "coping.yml"
    text = path.read_text()
    start = text.index("sms_answer: >-")
    end = text.index("\n    sources:", start)
    path.write_text(text[:start] + 'sms_answer: "It\u2019s fine \u2014 ' + "x" * 300 + '"' + text[end:])
    with pytest.raises(ContentInvalid) as raised:
        import_content(session_factory, folder)
    messages = [str(p) for p in raised.value.problems]
    assert any("coping.yml:coping-general:sms_answer: is 3" in m and "limit is 300" in m for m in messages)
    assert any("outside GSM-7" in m and "U+2019" in m and "U+2014" in m for m in messages)
    assert count(session_factory, Entry) == 0


def test_broken_yaml_is_reported_with_its_line(tmp_path, session_factory):
    folder = copy_content(tmp_path)
    (folder / "coping.yml").write_text("topic: coping\nentries: [\n")
    with pytest.raises(ContentInvalid, match=r"coping.yml:line \d+:-: is not valid YAML"):
        import_content(session_factory, folder)


def test_duplicate_ids_across_files(tmp_path, session_factory):
    folder = copy_content(tmp_path)
    path = folder / "coping.yml"
    path.write_text(path.read_text().replace("id: coping-general", "id: clinical-trials-general"))
    with pytest.raises(ContentInvalid, match="id: is also used in"):
        import_content(session_factory, folder)


def test_cli_import_reports_problems_and_exit_code(tmp_path, monkeypatch, capsys):
    from bot.content.__main__ import main

    monkeypatch.setenv("HELPLINE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    folder = copy_content(tmp_path)
    assert main(["import", str(folder)]) == 0
    assert "added" in capsys.readouterr().out
    path = folder / "coping.yml"
    path.write_text(path.read_text().replace("review_status: approved", "review_status: maybe", 1))
    assert main(["import", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "coping.yml:coping-general:review_status:" in err and "Nothing imported" in err


def test_cli_report_lists_overdue_entries(tmp_path, monkeypatch, capsys):
    from bot.content.__main__ import main

    monkeypatch.setenv("HELPLINE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["import", str(CONTENT_DIR)]) == 0
    capsys.readouterr()
    assert main(["report", "--today", "2026-11-21"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "treatment-secondary\ttreatment.yml\tdue 2023-02-01" in "\n".join(lines)
    assert not any(line.startswith("coping-general") for line in lines)  # due 2027
    assert main(["report", "--today", "2020-01-01"]) == 0
    assert capsys.readouterr().out.strip() == "0 entries overdue for review on 2020-01-01"
