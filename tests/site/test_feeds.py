"""Atom feeds: all news and one per category, parsed with feedparser."""

import feedparser
from tests.site.site_helpers import REPO
from sim_content.headers import read_header
from sim_content.schema import CATEGORIES
from sim_content.slugs import slugify


def published_news():
    news = []
    for path in sorted((REPO / "content" / "nyheter").glob("*.md")):
        header = {key: entry.value for key, entry in read_header(path).items()}
        if header.get("status") != "draft":
            news.append(header)
    return news


def test_all_news_feed_lists_every_published_post(built_site):
    feed = feedparser.parse((built_site / "feeds" / "nyheter.atom.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    news = published_news()
    assert sorted(entry.title for entry in feed.entries) == sorted(post["title"] for post in news)
    assert all(entry.link.startswith("/nyheter/") and entry.link.endswith("/") for entry in feed.entries)


def test_one_feed_per_used_category_with_only_its_posts(built_site):
    news = published_news()
    used = {post["category"] for post in news}
    assert len(used) >= 3
    for category in used:
        path = built_site / "feeds" / "kategori" / f"{slugify(category)}.atom.xml"
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (category, feed.get("bozo_exception"))
        expected = sorted(post["title"] for post in news if post["category"] == category)
        assert sorted(entry.title for entry in feed.entries) == expected
    for unused in set(CATEGORIES) - used:
        assert not (built_site / "feeds" / "kategori" / f"{slugify(unused)}.atom.xml").exists()


def test_no_rss_or_translation_feeds(built_site):
    feeds = {p.relative_to(built_site).as_posix() for p in (built_site / "feeds").rglob("*") if p.is_file()}
    assert all(name.endswith(".atom.xml") for name in feeds)
    assert all(name == "feeds/nyheter.atom.xml" or name.startswith("feeds/kategori/") for name in feeds)
