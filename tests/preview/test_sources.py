"""Which saves the preview patches in place, and which need a full incremental build."""

from datetime import datetime

from pelican.contents import Article, Page

from preview.sources import classify, parse_header

HEADER = b"Title: Gammal rubrik\nDate: 2026-11-20\nAuthor: SIM-redaktionen\nCategory: Industri\nSummary: Kort.\nSlug: gammal"


def article():
    return Article("<p>x</p>", metadata={"title": "Gammal rubrik", "date": datetime(2026, 11, 20)})


def test_identical_header_is_a_body_edit_for_any_kind():
    assert classify(article(), HEADER, HEADER) == "body"
    assert classify(Page("<p>x</p>", metadata={"title": "Sida"}), HEADER, HEADER) == "body"


def test_title_and_summary_of_a_news_post_with_slug_are_text_edits():
    edited = HEADER.replace(b"Gammal rubrik", b"Ny rubrik").replace(b"Kort.", b"Ny kort text.")
    assert classify(article(), HEADER, edited) == "text"


def test_structural_or_risky_header_edits_need_a_build():
    cases = {
        "date moves the post": HEADER.replace(b"2026-11-20", b"2026-11-21"),
        "category": HEADER.replace(b"Industri\n", b"Digitalisering\n"),
        "slug changes the URL": HEADER.replace(b"Slug: gammal", b"Slug: ny"),
        "emptied title must be validated": HEADER.replace(b"Gammal rubrik", b""),
        "new key": HEADER + b"\nTags: Export",
        "continuation line": HEADER.replace(b"Summary: Kort.", b"Summary: Kort.\n    och mer"),
    }
    for label, edited in cases.items():
        assert classify(article(), HEADER, edited) is None, label


def test_title_edit_without_explicit_slug_needs_a_build():
    without_slug = HEADER.replace(b"\nSlug: gammal", b"")
    edited = without_slug.replace(b"Gammal rubrik", b"Ny rubrik")
    assert classify(article(), without_slug, edited) is None


def test_title_edit_of_a_page_needs_a_build():
    page = Page("<p>x</p>", metadata={"title": "Sida"})
    assert classify(page, HEADER, HEADER.replace(b"Gammal rubrik", b"Ny rubrik")) is None


def test_parse_header_reads_keys_case_insensitively_and_survives_hostile_bytes():
    assert parse_header(b"TITLE: A\nslug: b")["title"] == "A"
    assert parse_header(b"\xff\xfe: x") is None
    assert parse_header("Title: Åäö – ok".encode()) == {"title": "Åäö – ok"}
