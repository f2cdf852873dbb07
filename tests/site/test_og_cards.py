"""Social cards: every article, call and page has an og:image that is a 1200×630 PNG in output/.

Also the card maker on its own: cached cards are not drawn again, the same
title gives the same bytes (the preview compares its output with a full
build byte for byte), and titles of any length stay inside the card.
"""

from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from PIL import Image

from sim_content.og_card_drawing import CARD_SIZE, DEEP, MARGIN, CardRenderer, title_layout
from sim_content.og_card_workers import CardWorkers
from sim_content.og_cards import CardMaker, card_key, card_path
from tests.site.site_helpers import build_site, copy_repo, theme_pages

LOCAL_BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def pages(built_site):
    return theme_pages(Path(built_site))


def meta(page, key):
    tag = page.find("meta", property=key) or page.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def content_pages(pages):
    """Articles, calls and pages: the ones whose body pagefind indexes."""
    return {name: page for name, page in pages.items() if page.find(attrs={"data-pagefind-body": True})}


def test_every_article_call_and_page_has_its_own_card(built_site, pages):
    found = content_pages(pages)
    assert any(n.startswith("utlysningar/") for n in found) and any(n.startswith("nyheter/") for n in found)
    images = set()
    for name, page in found.items():
        url = meta(page, "og:image")
        assert url.startswith(LOCAL_BASE + "/og/"), f"{name}: {url}"
        file = Path(built_site) / urlsplit(url).path.lstrip("/")
        with Image.open(file) as image:
            assert image.format == "PNG" and image.size == CARD_SIZE, name
        title = page.find("h1").get_text(strip=True)
        assert meta(page, "og:image:alt") == title, name
        assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630"), name
        assert meta(page, "twitter:card") == "summary_large_image", name
        images.add(url)
    assert len(images) == len(found), "two pages share a card"


def test_pages_that_are_not_content_share_the_site_card(built_site, pages):
    for name in ("index.html", "utlysningar/index.html", "nyheter/index.html", "404.html"):
        assert meta(pages[name], "og:image") == LOCAL_BASE + "/og/sim.png", name
    with Image.open(Path(built_site) / "og" / "sim.png") as image:
        assert image.size == CARD_SIZE


def test_card_path_follows_the_page_path():
    assert card_path("nyheter/nu-har-sim-startat/index.html") == "og/nyheter/nu-har-sim-startat.png"
    assert card_path("insatsomraden/finansiering/index.html") == "og/insatsomraden/finansiering.png"
    assert card_path("404.html") == "og/404.png"


# --- the card maker on its own ----------------------------------------------


def fake_page(title, save_as="nyheter/a/index.html"):
    return SimpleNamespace(title=title, save_as=save_as)


def new_maker(tmp_path):
    settings = {"OG_CARD_CACHE": str(tmp_path / "cache"), "PUBLIC_SITEURL": "https://sim.test", "PATH": str(tmp_path)}
    return CardMaker(settings, tmp_path / "output")


def test_unchanged_cards_are_copied_from_the_cache_not_drawn(tmp_path):
    first = new_maker(tmp_path)
    card = first(fake_page("Nu har SIM startat"))
    first.finish()
    assert first.drawn == 1 and card.url == "https://sim.test/og/nyheter/a.png"
    written = (tmp_path / "output" / "og" / "nyheter" / "a.png").read_bytes()
    # Readable by a web server running as another user, like every other file of the site.
    assert (tmp_path / "output" / "og" / "nyheter" / "a.png").stat().st_mode & 0o044 == 0o044
    (tmp_path / "output" / "og" / "nyheter" / "a.png").unlink()

    second = new_maker(tmp_path)  # the next build
    second(fake_page("Nu har SIM startat"))
    second.finish()
    assert second.drawn == 0
    assert (tmp_path / "output" / "og" / "nyheter" / "a.png").read_bytes() == written

    second(fake_page("Ny rubrik"))
    second.finish()
    assert second.drawn == 1
    assert (tmp_path / "output" / "og" / "nyheter" / "a.png").read_bytes() != written
    assert len(list((tmp_path / "cache").glob("*.png"))) == 2


def test_cards_not_rendered_this_build_are_still_written(tmp_path):
    maker = new_maker(tmp_path)
    maker.remember([fake_page("Sida ett", "sida-ett/index.html"), fake_page("Utkast", "")])
    maker.write_remaining()
    assert (tmp_path / "output" / "og" / "sida-ett.png").is_file()
    assert (tmp_path / "output" / "og" / "sim.png").is_file()
    assert sorted(p.name for p in (tmp_path / "output" / "og").iterdir()) == ["sida-ett.png", "sim.png"]


def test_same_title_gives_identical_bytes(tmp_path):
    renderer = CardRenderer()
    first = renderer.render("Produktionsanalys för tillverkande företag", "Utlysning").tobytes()
    again = CardRenderer().render("Produktionsanalys för tillverkande företag", "Utlysning").tobytes()
    assert first == again


@pytest.mark.parametrize("title", [
    "Kort",
    "Tillväxtkartläggning/Kompetensinventering " * 12,
    "Ö" * 400,
    '<script>alert("x")</script> & "citat"',
    "",
])
def test_titles_of_any_length_stay_inside_the_card(title):
    font, lines = title_layout(" ".join(title.split()) or "SIM")
    assert 1 <= len(lines) <= 4
    assert all(font.getlength(line) <= CARD_SIZE[0] - 2 * MARGIN for line in lines)
    if len(title) > 300:
        assert lines[-1].endswith("…")


def test_a_card_shows_text_in_the_title_area():
    card = CardRenderer().render("Nu har SIM startat", "Nyhet").convert("RGB")
    title_band = card.crop((MARGIN, 276, 700, 340))
    assert title_band.getextrema() == ((DEEP[0], 255), (DEEP[1], 255), (DEEP[2], 255))
    assert CardRenderer().render("x", "").mode == "P"


def test_a_bulk_of_cards_is_placed_by_worker_processes(tmp_path):
    maker = new_maker(tmp_path)
    maker.begin_output()  # a whole render starts
    titles = [f"Rubrik nummer {number}" for number in range(CardMaker.BULK_CARDS + 5)]
    for number, title in enumerate(titles):
        maker(fake_page(title, f"nyheter/n{number}/index.html"))
    assert maker._workers is not None  # the bulk went to workers while "rendering" went on
    maker.write_remaining()
    assert maker.drawn == len(titles) + 1 and maker._workers is None  # and the site card
    inline = CardRenderer().render(titles[-1], "")  # a page (not an article) has no label
    with Image.open(tmp_path / "output" / "og" / "nyheter" / f"n{len(titles) - 1}.png") as placed:
        assert placed.tobytes() == inline.tobytes() and placed.getpalette() == inline.getpalette()


def test_a_worker_failure_fails_the_build(tmp_path):
    maker = new_maker(tmp_path)
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "og").write_text("a file where the card folder must go")
    maker.begin_output()
    for number in range(CardMaker.BULK_CARDS):
        maker(fake_page(f"Rubrik {number}", f"nyheter/n{number}/index.html"))
    with pytest.raises(OSError):
        maker.write_remaining()


def test_a_build_with_more_pages_than_one_batch_of_cards_has_every_card(tmp_path):
    """The card workers start inside Pelican's own (child) process, as in a large real build."""
    repo = copy_repo(tmp_path / "repo")
    posts = CardMaker.BULK_CARDS + 6
    for number in range(posts):
        (repo / "content" / "nyheter" / f"2021-02-{number % 28 + 1:02d}-massa-{number}.md").write_text(
            f"---\nTitle: Massnyhet {number}\nDate: '2021-02-{number % 28 + 1:02d}'\nAuthor: Marlene Magnussen\n"
            f"Category: Industri\nSummary: Kort.\nSlug: massa-{number}\n---\n\nText.\n", encoding="utf-8")
    output = build_site(tmp_path / "output", "--no-search", "--no-handbook", repo_dir=repo)
    for number in range(posts):
        with Image.open(output / "og" / "nyheter" / f"massa-{number}.png") as card:
            assert card.size == CARD_SIZE
    assert len(list((repo / "cache" / "og").glob("*.png"))) >= posts


def test_batches_no_worker_has_started_are_placed_by_the_waiting_process(tmp_path):
    workers = CardWorkers(tmp_path / "cache", tmp_path / "output")
    batches = [[(card_key(f"Rubrik {b}-{n}", ""), f"Rubrik {b}-{n}", "", f"og/b{b}/n{n}.png") for n in range(8)]
               for b in range(6)]
    for jobs in batches:
        workers.submit(jobs)
    # Spawning the worker takes far longer than submitting, so the last batches are still queued.
    assert workers.wait() == 48
    placed_here = [jobs for future, jobs in workers._futures if future.cancelled()]
    assert placed_here and placed_here[-1] is batches[-1]
    for jobs in batches:
        for _, _, _, relative in jobs:
            with Image.open(tmp_path / "output" / relative) as card:
                assert card.size == CARD_SIZE
