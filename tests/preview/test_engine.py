"""After edits through the preview engine its output equals a fresh full build's, file by file."""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from tests.preview.preview_helpers import BUILD_NOW, differences, full_build
from tests.preview.synthetic_posts import append_sentence, synthetic_post_path

pytestmark = pytest.mark.slow


def assert_same_as_full_build(engine, site_copy, tmp_path, label):
    reference = full_build(site_copy, tmp_path / f"full-{label}")
    problems = differences(engine.output_path, reference)
    assert not problems, f"after {label}: " + "; ".join(problems[:20])


def set_header(path, key, value):
    """Replace one `Key: value` header line, as an editor would."""
    text = Path(path).read_text(encoding="utf-8")
    updated, count = re.subn(rf"(?m)^{key}: .*$", f"{key}: {value}", text, count=1)
    assert count == 1, f"{path} has no {key} header"
    Path(path).write_text(updated, encoding="utf-8")


def page_text(output_dir, relative):
    html = (Path(output_dir) / relative).read_text(encoding="utf-8")
    return BeautifulSoup(html, "html5lib").get_text(" ", strip=True)


def test_first_build_equals_full_build(engine, site_copy, tmp_path):
    assert_same_as_full_build(engine, site_copy, tmp_path, "first build")


def test_body_edit_takes_the_fast_path_and_equals_full_build(engine, site_copy, tmp_path):
    post = synthetic_post_path(site_copy / "content", 5)
    append_sentence(post, "Meningen som förhandsgranskningen ska visa.")
    report = engine.update([post])
    assert report.fast
    article = Path(engine.output_path) / "nyheter/syntetiskt-inlagg-5/index.html"
    assert str(article) in report.rendered
    assert "Meningen som förhandsgranskningen ska visa." in page_text(engine.output_path, article)
    assert len(report.rendered) < 60, "a body edit re-rendered far more than the pages showing the post"
    assert_same_as_full_build(engine, site_copy, tmp_path, "body edit")


def test_page_records_say_what_each_page_showed_and_read(engine, site_copy):
    content = site_copy / "content"
    post = str(synthetic_post_path(content, 5))
    out = Path(engine.output_path)
    own_page, other_page = (str(out / f"nyheter/syntetiskt-inlagg-{n}/index.html") for n in (5, 20))
    before = dict(engine.pages)
    assert post in before[own_page].bodies_read
    assert any(post in shown for shown in before[own_page].shown_sources)
    assert post not in before[other_page].bodies_read
    assert set(before) <= engine.outputs

    append_sentence(post, "En mening som bara den egna sidan visar.")
    assert engine.update([post]).fast
    after = engine.pages
    assert after[own_page].key != before[own_page].key
    assert after[other_page].key == before[other_page].key
    assert after.keys() == before.keys()
    with pytest.raises(TypeError):
        after[own_page] = before[own_page]  # the engine is the only writer


def test_repeated_body_edits_of_neighbours_pages_and_calls_equal_full_build(engine, site_copy, tmp_path):
    content = site_copy / "content"
    call = sorted((content / "utlysningar").glob("*.md"))[0]
    page = content / "sidor" / "kontakt.md"
    edits = [synthetic_post_path(content, 8), synthetic_post_path(content, 9), synthetic_post_path(content, 8), call, page]
    for number, path in enumerate(edits):
        append_sentence(path, f"Ändring nummer {number} i brödtexten.")
        assert engine.update([path]).fast, f"{path.name} should have taken the fast path"
    assert_same_as_full_build(engine, site_copy, tmp_path, "repeated body edits")


def test_add_and_delete_posts_equal_full_build(engine, site_copy, tmp_path):
    content = site_copy / "content"
    added = content / "nyheter" / "2026-11-20-ett-nytt-inlagg.md"
    added.write_text(
        synthetic_post_path(content, 3).read_text(encoding="utf-8")
        .replace("Syntetiskt inlägg 3", "Ett nytt inlägg").replace("syntetiskt-inlagg-3", "ett-nytt-inlagg"),
        encoding="utf-8",
    )
    engine.update([added])
    assert (Path(engine.output_path) / "nyheter/ett-nytt-inlagg/index.html").is_file()
    assert_same_as_full_build(engine, site_copy, tmp_path, "added post")

    removed = synthetic_post_path(content, 7)
    removed.unlink()
    report = engine.update([removed])
    gone = Path(engine.output_path) / "nyheter/syntetiskt-inlagg-7/index.html"
    assert not gone.exists()
    assert str(gone) in report.deleted
    assert_same_as_full_build(engine, site_copy, tmp_path, "deleted post")


def test_call_deadline_crossing_now_equals_full_build(engine, site_copy, tmp_path):
    """An open call whose deadline moves before SIM_BUILD_NOW becomes closed everywhere."""
    calls = sorted((site_copy / "content" / "utlysningar").glob("*.md"))
    open_call = next(path for path in calls if _state_in_calls_json(engine, path.stem) == "open")
    set_header(open_call, "Deadline", "2026-11-25 11:59")  # one minute before SIM_BUILD_NOW
    engine.update([open_call])
    assert _state_in_calls_json(engine, open_call.stem) == "closed"
    assert_same_as_full_build(engine, site_copy, tmp_path, "deadline change")


def test_title_and_date_changes_move_neighbours_and_equal_full_build(engine, site_copy, tmp_path):
    content = site_copy / "content"
    retitled = synthetic_post_path(content, 10)
    set_header(retitled, "Title", "Omdöpt inlägg som grannarna visar")
    set_header(retitled, "Summary", "En ny sammanfattning för listorna.")
    report = engine.update([retitled])
    assert report.fast, "a title/summary edit of a post with a Slug is patched in place"
    neighbour_pages = [path for path in report.rendered if "/nyheter/syntetiskt-inlagg-" in path]
    assert len(neighbour_pages) >= 2, "the neighbours show the new title, so they are rendered again"
    assert_same_as_full_build(engine, site_copy, tmp_path, "title and summary change")

    moved = synthetic_post_path(content, 11)
    set_header(moved, "Date", "2030-01-01 09:00")  # now the newest post: lists and neighbours move
    assert not engine.update([moved]).fast
    assert_same_as_full_build(engine, site_copy, tmp_path, "date change")


def test_invalid_edit_raises_and_keeps_the_last_good_output(engine, site_copy):
    from sim_content.validate import ContentInvalid

    post = synthetic_post_path(site_copy / "content", 2)
    article = Path(engine.output_path) / "nyheter/syntetiskt-inlagg-2/index.html"
    before = article.read_bytes()
    set_header(post, "Category", "Okänd kategori")
    with pytest.raises(ContentInvalid) as failure:
        engine.update([post])
    assert "nyheter/syntetisk-0002.md:4:" in str(failure.value)
    assert article.read_bytes() == before


def _state_in_calls_json(engine, slug):
    import json

    data = json.loads((Path(engine.output_path) / "calls.json").read_text(encoding="utf-8"))
    return next((call.get("state") or _state(call) for call in data["calls"] if call["slug"] == slug), None)


def _state(call):
    from datetime import datetime

    now = datetime.fromisoformat(BUILD_NOW)
    opens, deadline = datetime.fromisoformat(call["opens"]), datetime.fromisoformat(call["deadline"])
    return "upcoming" if now < opens else ("open" if now < deadline else "closed")


def test_translated_pages_and_contact_data_edits_equal_full_build(engine, site_copy, tmp_path):
    """English pages (their own /en/ addresses, hreflang to a Swedish twin, a shared
    list of English pages) and the contact data file re-render like a full build."""
    content = site_copy / "content"
    english = content / "sidor" / "en" / "om-sim.md"
    append_sentence(english, "A sentence the preview must show.")
    engine.update([english])
    assert "A sentence the preview must show." in page_text(engine.output_path, "en/om-sim/index.html")
    set_header(content / "sidor" / "en" / "insatsomraden.md", "Title", "Areas of support, renamed")
    engine.update([content / "sidor" / "en" / "insatsomraden.md"])
    assert "Areas of support, renamed" in page_text(engine.output_path, "en/calls/index.html")
    assert_same_as_full_build(engine, site_copy, tmp_path, "English page edits")

    contact = content / "kontakt.toml"
    contact.write_text(contact.read_text(encoding="utf-8").replace("region@regionjh.se", "sim-preview@example.se"),
                       encoding="utf-8")
    engine.update([contact])
    assert "sim-preview@example.se" in page_text(engine.output_path, "kontakt/index.html")
    assert_same_as_full_build(engine, site_copy, tmp_path, "contact data edit")
