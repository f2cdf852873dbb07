"""Scaffolded files carry every required field and pass validation as written."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sitebuild.scaffold import first_author, new_content_file
from sim_content.schema import SCHEMA
from sim_content.validate import validate_content

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=ZoneInfo("Europe/Stockholm"))


@pytest.mark.parametrize("kind", ["news", "call"])
def test_scaffold_validates_and_fills_every_required_field(tmp_path, kind, repo):
    content = tmp_path / "content"
    (content / "forfattare").mkdir(parents=True)
    (content / "forfattare" / "a.md").write_text("Title: Testperson\nRole: Testar\n\nBio.\n", encoding="utf-8")
    path, text = new_content_file(kind, "Ny sak på gång i Östersund", content, NOW, first_author(content))
    header = text.split("\n\n", 1)[0]
    for field in SCHEMA[kind]:
        if field.required:
            assert f"\n{field.name}: " in "\n" + header
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    assert validate_content(content, tmp_path) == []
    assert path.name == ("2026-11-25-ny-sak-pa-gang-i-ostersund.md" if kind == "news" else "ny-sak-pa-gang-i-ostersund.md")


def test_call_scaffold_opens_in_a_week_and_closes_a_month_later(tmp_path):
    _, text = new_content_file("call", "Utlysning", tmp_path, NOW, "X")
    assert "Opens: 2026-12-02 08:00\nDeadline: 2027-01-01 16:00\n" in text


def test_title_without_letters_or_digits_is_refused(tmp_path):
    with pytest.raises(ValueError):
        new_content_file("news", "–––", tmp_path, NOW, "X")


def test_first_author_falls_back_when_there_are_no_author_files(tmp_path):
    assert first_author(tmp_path) == "SIM-redaktionen"
