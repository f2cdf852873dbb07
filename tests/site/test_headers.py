"""Header parsing keeps the line of every key, like Markdown's meta extension reads them."""

from sim_content.headers import parse_header


def test_lines_and_values():
    header = parse_header("Title: Hej\nDate: 2026-01-01\n\nBody: not a key\n")
    assert {k: (e.key, e.value, e.line) for k, e in header.items()} == {
        "title": ("Title", "Hej", 1), "date": ("Date", "2026-01-01", 2),
    }


def test_continuation_lines_join_the_previous_value():
    header = parse_header("Summary: En lång\n    sammanfattning\nTags: a, b\n\nText")
    assert header["summary"].value == "En lång sammanfattning"
    assert header["tags"].line == 3


def test_header_ends_at_first_non_key_line():
    header = parse_header("Title: Hej\nDetta är brödtext utan tom rad\nDate: 2026-01-01\n")
    assert list(header) == ["title"]


def test_empty_file_and_windows_line_endings():
    assert parse_header("") == {}
    header = parse_header("Title: Hej\r\nDate: 2026-01-01\r\n\r\nText")
    assert header["date"].value == "2026-01-01" and header["date"].line == 2
