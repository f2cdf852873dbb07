"""One content format for `build.py new`, the web editor and the build: YAML front matter."""

import shutil

import pytest

from sim_content.headers import FrontMatterInvalid, parse_header, read_header
from sim_content.schema import CONTENT_DIRS
from sim_content.validate import validate_content
from sitebuild.front_matter import convert_tree, front_matter_text, main

from sitebuild.paths import ROOT as REPO


def values(header):
    return {key: entry.value for key, entry in header.items()}


def test_conversion_keeps_every_value_of_every_real_content_file():
    for folder in CONTENT_DIRS.values():
        for path in sorted((REPO / "content" / folder).glob("*.md")):
            text = path.read_text(encoding="utf-8")
            converted = front_matter_text(text)
            assert converted.startswith("---\n")
            assert values(parse_header(converted)) == values(parse_header(text)), path.name
            assert converted.split("\n---\n", 1)[1].strip() == text.split("\n\n", 1)[1].strip()


def test_conversion_is_idempotent_and_the_result_validates(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    convert_tree(content)  # changes nothing once the repository's content is converted
    snapshot = {p: p.read_bytes() for p in content.rglob("*.md")}
    assert convert_tree(content) == []
    assert {p: p.read_bytes() for p in content.rglob("*.md")} == snapshot
    assert validate_content(content, tmp_path) == []
    assert main(["--check", str(content)]) == 0


def test_awkward_key_value_headers_convert_to_the_same_values():
    text = ("Title: SIM: nästa steg – 'citat' och \"mer\"\nDate: 2026-11-25\nTags: Industri 4.0, IUC Z-GROUP\n"
            "Summary: En lång\n    sammanfattning: med kolon\nOrder: 10\nStatus: draft\n\nBrödtext\n\nTvå stycken.\n")
    converted = front_matter_text(text)
    assert values(parse_header(converted)) == values(parse_header(text))
    assert converted.endswith("---\n\nBrödtext\n\nTvå stycken.\n")
    assert front_matter_text(converted) == converted


def test_front_matter_lines_are_the_lines_of_the_keys():
    header = parse_header("---\nTitle: 'SIM: nästa steg'\nDate: 2026-11-25\nTags:\n  - a\n  - b\nOrder: 10\n---\n\nText\n")
    assert [(k, e.value, e.line) for k, e in header.items()] == [
        ("title", "SIM: nästa steg", 2), ("date", "2026-11-25", 3), ("tags", "a, b", 4), ("order", "10", 7)]


def test_broken_yaml_is_reported_with_file_and_line_in_swedish(tmp_path):
    news = tmp_path / "content" / "nyheter"
    news.mkdir(parents=True)
    (news / "x.md").write_text("---\nTitle: Hej\nSummary: SIM: en satsning: igen\n---\n\nText\n", encoding="utf-8")
    errors = validate_content(tmp_path / "content", tmp_path)
    assert [(e.path, e.line) for e in errors] == [("content/nyheter/x.md", 3)]
    assert "citattecken" in errors[0].message


@pytest.mark.parametrize("hostile", [
    "---\nTitle: !!python/object/apply:os.system ['echo owned']\n---\n",
    "---\n- just\n- a list\n---\n",
    "---\nTitle: &a [*a]\n---\n",
])
def test_hostile_front_matter_is_refused_not_executed(hostile):
    with pytest.raises(FrontMatterInvalid):
        parse_header(hostile)


def test_key_value_files_are_still_read(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("Title: Hej\nTags: a, b\n\nText\n", encoding="utf-8")
    assert values(read_header(path)) == {"title": "Hej", "tags": "a, b"}
