"""Every page type of the theme renders its essentials (parsed with html5lib).

Uses the site engine's `built_site` fixture (the real content, built once with a
fixed "now"); the pagination and hostile-title checks build again with Pelican
into their own temporary folders. The EU emblem has its own file, test_eu_emblem.py.
"""

import json
import re
import shutil
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.site.site_helpers import parse_html as parse, render_with_pelican as build, theme_pages

REPO = Path(__file__).resolve().parents[2]
THEME_HTML_FILES = ("index.html", "404.html")
LOCAL_BASE = "http://127.0.0.1:8000"  # PUBLIC_SITEURL of a local build


def main_text(page):
    return " ".join(page.find("main").get_text(" ").split())


@pytest.fixture(scope="module")
def output(built_site):
    # The fixture may hand over the folder itself or an object that knows it.
    return Path(getattr(built_site, "output", built_site))


@pytest.fixture(scope="module")
def pages(output):
    found = theme_pages(output)
    assert "index.html" in found and "404.html" in found, sorted(found)[:20]
    return found


@pytest.fixture(scope="module")
def calls(output):
    data = json.loads((output / "calls.json").read_text(encoding="utf-8"))
    now = datetime.fromisoformat(data["generated"])
    for call in data["calls"]:
        opens, deadline = datetime.fromisoformat(call["opens"]), datetime.fromisoformat(call["deadline"])
        call["state"] = "upcoming" if now < opens else "open" if now < deadline else "closed"
    return data["calls"]


def article_paths(pages):
    lists = {"sida", "kategori", "etikett", "forfattare", "arkiv"}
    return [p for p in pages if re.fullmatch(r"nyheter/[^/]+/index\.html", p) and p.split("/")[1] not in lists]


# --- every page -----------------------------------------------------------


def test_every_page_states_its_language_and_has_a_working_skip_link(pages):
    for name, page in pages.items():
        assert page.html["lang"] == ("en" if name.startswith("en/") else "sv"), name
        skip = page.find("a", class_="skip-link")
        assert skip is not None and skip["href"] == "#innehall", name
        assert page.find(id="innehall").name == "main", name
        assert page.body.find(True) is skip, f"{name}: the skip link must come first"


def test_every_page_footer_links_accessibility_statement_privacy_and_contact(pages):
    for name, page in pages.items():
        footer_links = {a.get_text(strip=True): a["href"] for a in page.find("footer", class_="site-footer").find_all("a")}
        assert footer_links.get("Tillgänglighetsredogörelse") == "/tillganglighet/", name
        assert footer_links.get("Personuppgifter") == "/personuppgifter/", name
        assert footer_links.get("Kontakt") == "/kontakt/", name


def test_every_page_has_canonical_open_graph_feed_and_favicon(pages):
    for name, page in pages.items():
        canonical = page.find("link", rel="canonical")["href"]
        expected = LOCAL_BASE + "/" + re.sub(r"(^|/)index\.html$", r"\1", name)
        assert canonical == expected, name
        og = {m["property"]: m["content"] for m in page.find_all("meta", property=True)}
        assert og["og:title"].strip() and og["og:description"].strip(), name
        assert og["og:type"] in {"website", "article"}, name
        assert og["og:url"] == canonical, name
        assert og["og:locale"] == ("en_GB" if name.startswith("en/") else "sv_SE"), name
        feed = page.find("link", rel="alternate", type="application/atom+xml")
        assert feed["href"] == "/feeds/nyheter.atom.xml", name
        assert page.find("link", rel="icon", type="image/svg+xml") is not None, name


def test_no_page_requests_another_host(pages):
    loads = {"script": "src", "img": "src", "iframe": "src", "source": "srcset", "video": "src", "audio": "src"}
    for name, page in pages.items():
        urls = [el[attr] for tag, attr in loads.items() for el in page.find_all(tag) if el.get(attr)]
        urls += [link["href"] for link in page.find_all("link", href=True) if set(link.get("rel", [])) - {"canonical", "alternate"}]
        for url in urls:
            assert not urlsplit(url).netloc and not url.startswith("//"), f"{name} loads {url}"


def test_stylesheet_uses_no_web_fonts_or_remote_urls():
    css = (REPO / "theme/static/css/site.css").read_text(encoding="utf-8")
    assert "@font-face" not in css and "@import" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)


def test_no_inline_scripts_or_styles(pages):
    # The CSP has no 'unsafe-inline': an inline script or style would be blocked.
    for name, page in pages.items():
        assert not [s for s in page.find_all("script") if not s.get("src")], name
        assert page.find("style") is None, name
        assert page.find(style=True) is None, name
        assert page.find(attrs={"onclick": True}) is None, name


def test_only_the_search_page_loads_pagefind(pages):
    for name, page in pages.items():
        refs = [s["src"] for s in page.find_all("script", src=True)] + [l["href"] for l in page.find_all("link", href=True)]
        uses_pagefind = any(ref.startswith("/pagefind/") for ref in refs)
        assert uses_pagefind == (name == "sok/index.html"), name


def test_only_articles_calls_and_pages_are_indexed_for_search(pages):
    lists = {"index.html", "nyheter/index.html", "utlysningar/index.html", "nyheter/arkiv/index.html",
             "nyheter/kategori/index.html", "sok/index.html", "404.html"}
    for name in lists:
        assert pages[name].find(attrs={"data-pagefind-body": True}) is None, name
    indexed = article_paths(pages) + ["om-sim/index.html", "tillganglighet/index.html"]
    for name in indexed:
        assert len(pages[name].find_all(attrs={"data-pagefind-body": True})) == 1, name


# --- page types -----------------------------------------------------------


def test_home_says_what_sim_is_and_lists_open_calls_and_news(pages, calls):
    home = pages["index.html"]
    assert "tillverkande" in home.find("p", class_="lead").get_text()
    signup_hrefs = {a["href"] for a in home.find("main").find_all("a")}
    assert "/anmalan/" in signup_hrefs
    for call in calls:
        assert (f"/anmalan/{call['slug']}/" in signup_hrefs) == (call["state"] == "open"), call["slug"]
    news = home.find("section", attrs={"aria-labelledby": "senaste-nytt"}).find_all("li", class_="teaser")
    # Seven posts exist; the home page shows the newest three.
    assert len(news) == 3
    assert all(li.find("a")["href"].startswith("/nyheter/") for li in news)
    areas = home.find("section", attrs={"aria-labelledby": "insatsomraden"}).find_all("a")
    assert len(areas) == 5 and all(re.fullmatch(r"/insatsomraden/[a-z-]+/", a["href"]) for a in areas)


def test_news_list_shows_every_article_newest_first(pages):
    items = pages["nyheter/index.html"].select("main li.teaser")
    hrefs = [li.find("a")["href"] for li in items]
    assert sorted(hrefs) == sorted("/" + p.removesuffix("index.html") for p in article_paths(pages))
    dates = [li.find("time")["datetime"] for li in items]
    assert dates == sorted(dates, reverse=True)


def test_launch_article_shows_swedish_date_author_category_tags_and_bio(pages):
    name = next(p for p in article_paths(pages) if pages[p].find("time", datetime=re.compile("^2018-09-28")))
    page = pages[name]
    published = page.find("time", datetime=re.compile("^2018-09-28"))
    assert published.get_text(strip=True) == "28 september 2018"
    datetime.fromisoformat(published["datetime"])
    more = page.find("a", string="Fler inlägg av Marlene Magnussen")
    assert more["href"] == "/nyheter/forfattare/marlene-magnussen/"
    assert page.find("a", rel="author")["href"] == more["href"]
    bio = page.find("aside", class_="bio")
    assert "Kommunikatör" in bio.get_text() or "kommunikatör" in bio.get_text()
    footer = page.find("footer", class_="article__footer")
    assert footer.find("a", href=re.compile(r"^/nyheter/kategori/[a-z0-9-]+/$"))
    tags = {a.get_text(strip=True) for a in footer.find_all("a", class_="tag")}
    assert {"Digitalisering", "Industri 4.0", "IUC Z-GROUP"} <= tags
    neighbours = page.find("nav", class_="neighbours")
    assert neighbours.find("a", rel="next") is not None  # newer posts exist


def test_every_article_has_one_h1_a_time_and_neighbour_links(pages):
    paths = article_paths(pages)
    assert len(paths) >= 5
    for name in paths:
        page = pages[name]
        assert len(page.find_all("h1")) == 1, name
        stamp = page.find("header", class_="article__header").find("time")
        assert re.fullmatch(r"\d{1,2} (januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december) \d{4}", stamp.get_text(strip=True)), name
        assert page.find("nav", class_="neighbours").find("a") is not None, name


def test_category_tag_and_author_pages_list_their_articles(pages):
    for prefix, heading in (("nyheter/kategori/", "Kategori: "), ("nyheter/etikett/", "Etikett: ")):
        listed = [p for p in pages if p.startswith(prefix) and p != prefix + "index.html"]
        assert listed, prefix
        for name in listed:
            assert pages[name].find("h1").get_text(strip=True).startswith(heading), name
            assert pages[name].select("main li.teaser"), name
        overview = pages[prefix + "index.html"].select("main ul.term-list a")
        assert {a["href"] for a in overview} == {"/" + p.removesuffix("index.html") for p in listed}
    author = pages["nyheter/forfattare/marlene-magnussen/index.html"]
    assert author.find("h1").get_text(strip=True) == "Marlene Magnussen"
    assert author.find("div", class_="bio") is not None
    assert author.select("main li.teaser")


def test_archive_lists_every_article_under_its_year(pages):
    archive = pages["nyheter/arkiv/index.html"]
    links = {a["href"] for a in archive.select("main ul.archive a")}
    assert links == {"/" + p.removesuffix("index.html") for p in article_paths(pages)}
    years = [h.get_text(strip=True) for h in archive.find("main").find_all("h2")]
    assert years == sorted(years, reverse=True) and "2018" in years


def test_calls_list_groups_calls_and_links_sign_up_only_for_open_ones(pages, calls):
    page = pages["utlysningar/index.html"]
    sections = {s.find("h2").get_text(strip=True): s for s in page.find("main").find_all("section")}
    assert list(sections) == ["Öppna", "Kommande", "Stängda"]
    heading_of = {"open": "Öppna", "upcoming": "Kommande", "closed": "Stängda"}
    assert {c["state"] for c in calls} == set(heading_of), "the content should have calls in every state"
    for call in calls:
        section = sections[heading_of[call["state"]]]
        item = section.find("a", href=f"/utlysningar/{call['slug']}/").find_parent("li")
        times = {t["datetime"] for t in item.find_all("time")}
        assert times == {call["opens"], call["deadline"]}
        signup = item.find("a", href=f"/anmalan/{call['slug']}/")
        if call["state"] == "open":
            assert signup.get_text(strip=True) == "Anmäl intresse"
        else:
            assert signup is None and item.find("a", href=re.compile("^/anmalan/")) is None


def test_call_page_offers_sign_up_only_while_open(pages, calls):
    for call in calls:
        page = pages[f"utlysningar/{call['slug']}/index.html"]
        body = page.find(attrs={"data-pagefind-body": True})
        assert body.find("h1").get_text(strip=True) == call["title"]
        assert {t["datetime"] for t in body.find("dl").find_all("time")} == {call["opens"], call["deadline"]}
        signup = page.find("a", href=f"/anmalan/{call['slug']}/")
        notice = body.find("p", class_="notice")
        if call["state"] == "open":
            assert signup.get_text(strip=True) == "Anmäl intresse" and notice is None
        else:
            assert signup is None
            assert ("öppnar" if call["state"] == "upcoming" else "stängde") in notice.get_text()


def test_english_pages_mark_their_language(pages):
    english = [name for name in pages if name.startswith("en/")]
    assert "en/om-sim/index.html" in english and "in-english/index.html" not in pages
    for name in english:
        assert pages[name].find("article")["lang"] == "en", name
    assert pages["om-sim/index.html"].find("article").get("lang") is None


def test_search_page_works_as_a_note_without_javascript(pages):
    page = pages["sok/index.html"]
    assert page.find(attrs={"data-search-root": True}) is not None
    noscript = page.find("noscript")
    assert noscript is not None and "JavaScript" in noscript.get_text()
    scripts = [s["src"] for s in page.find_all("script", src=True)]
    assert scripts[0] == "/pagefind/pagefind-ui.js" and re.fullmatch(r"/theme/js/search\.[0-9a-f]{10}\.js", scripts[1])


def test_404_page_is_swedish_and_helpful(pages):
    page = pages["404.html"]
    assert page.find("h1").get_text(strip=True) == "Sidan finns inte"
    hrefs = {a["href"] for a in page.find("main").find_all("a")}
    assert {"/", "/nyheter/", "/utlysningar/", "/sok/"} <= hrefs


# --- EU visibility --------------------------------------------------------


# --- pagination and hostile titles ----------------------------------------

HOSTILE_TITLE = '<script>alert("x")</script> & "citat"'


@pytest.fixture(scope="module")
def crowded_site(tmp_path_factory):
    """The real content plus 14 extra posts (one with a hostile title): two news pages."""
    root = tmp_path_factory.mktemp("crowded")
    content = root / "content"
    shutil.copytree(REPO / "content", content)
    for number in range(14):
        title = HOSTILE_TITLE if number == 0 else f"Extra inlägg {number}"
        modified = "Modified: 2020-03-15\n" if number == 1 else ""
        (content / "nyheter" / f"2020-01-{number + 1:02d}-extra-{number}.md").write_text(
            f"Title: {title}\nDate: 2020-01-{number + 1:02d}\nAuthor: Marlene Magnussen\n"
            f"Category: Industri\nSummary: Sammanfattning {number}.\nSlug: extra-{number}\n{modified}\nBrödtext.\n",
            encoding="utf-8",
        )
    return build(root / "output", content=content)


def test_news_list_paginates_with_previous_and_next(crowded_site):
    first = parse(crowded_site / "nyheter/index.html")
    second = parse(crowded_site / "nyheter/sida/2/index.html")
    assert len(first.select("main li.teaser")) == 10
    assert second.select("main li.teaser")
    first_nav, second_nav = first.find("nav", class_="pagination"), second.find("nav", class_="pagination")
    assert first_nav.find("a", string="Nästa")["href"] == "/nyheter/sida/2/"
    assert first_nav.find("a", string="Föregående") is None
    assert second_nav.find("a", string="Föregående")["href"] == "/nyheter/"
    assert second.find("link", rel="canonical")["href"] == LOCAL_BASE + "/nyheter/sida/2/"


def test_article_shows_updated_date_only_when_modified(crowded_site):
    modified = parse(crowded_site / "nyheter/extra-1/index.html").find("header", class_="article__header")
    stamps = [(t["datetime"][:10], t.get_text(strip=True)) for t in modified.find_all("time")]
    assert stamps == [("2020-01-02", "2 januari 2020"), ("2020-03-15", "15 mars 2020")]
    assert "uppdaterad" in modified.get_text()
    plain = parse(crowded_site / "nyheter/extra-2/index.html").find("header", class_="article__header")
    assert len(plain.find_all("time")) == 1 and "uppdaterad" not in plain.get_text()


def test_hostile_title_is_escaped_everywhere(crowded_site):
    article = parse(crowded_site / "nyheter/extra-0/index.html")
    assert article.find("h1").get_text() == HOSTILE_TITLE
    assert article.find("main").find("script") is None
    assert article.find("meta", property="og:title")["content"] == HOSTILE_TITLE
    assert HOSTILE_TITLE in article.title.get_text()
    for listing in ("nyheter/index.html", "nyheter/arkiv/index.html", "nyheter/kategori/industri/index.html"):
        page = parse(crowded_site / listing)
        assert page.find("main").find("script") is None, listing
