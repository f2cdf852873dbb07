"""Template variable discovery and page keys: what makes a page count as changed."""

from jinja2 import DictLoader, Environment
from pelican.contents import Article

from preview.fingerprint import ContentMemo, Fingerprinter, template_mentions, template_variables

TEMPLATES = {
    "base.html": "<title>{{ SITENAME }}</title>{% block content %}{% endblock %}",
    "article.html": '{% extends "base.html" %}{% import "macros.html" as m %}'
                    "{% block content %}{{ article.title }}{{ m.tags(article) }}{% endblock %}",
    "macros.html": "{% macro tags(a) %}{% for t in a.tags %}{{ t }}{% endfor %}{{ EXTRA }}{% endmacro %}",
    "dynamic.html": "{% include name_of_partial %}",
}


def environment():
    return Environment(loader=DictLoader(TEMPLATES))


def test_variables_follow_extends_and_imports():
    assert {"SITENAME", "article", "EXTRA"} <= template_variables(environment(), "article.html")


def test_a_computed_include_means_everything_is_read():
    assert "*" in template_variables(environment(), "dynamic.html")


def test_template_mentions_searches_pulled_in_templates():
    assert template_mentions(environment(), "article.html", "EXTRA")
    assert not template_mentions(environment(), "article.html", "_content")


def fingerprinter(digests):
    return Fingerprinter({}, digests.get, lambda: "urls")


def post(path, title):
    return Article("<p>text</p>", metadata={"title": title}, source_path=path)


def test_key_changes_with_the_source_digest_and_ignores_unread_variables():
    article = post("/c/a.md", "A")
    context = {"article": article, "SITENAME": "SIM", "UNREAD": object()}
    first = fingerprinter({"/c/a.md": "d1"}).key("article.html", {"article", "SITENAME"}, context)
    same = fingerprinter({"/c/a.md": "d1"}).key("article.html", {"article", "SITENAME"}, dict(context, UNREAD=1))
    edited = fingerprinter({"/c/a.md": "d2"}).key("article.html", {"article", "SITENAME"}, context)
    assert first == same
    assert first != edited


def test_a_neighbour_edit_changes_the_key_of_the_page_showing_it():
    article, neighbour = post("/c/a.md", "A"), post("/c/b.md", "B")
    article.next_article = neighbour
    context = {"article": article}
    before = fingerprinter({"/c/a.md": "a", "/c/b.md": "b1"}).key("t", {"article"}, context)
    after = fingerprinter({"/c/a.md": "a", "/c/b.md": "b2"}).key("t", {"article"}, context)
    assert before != after


def test_objects_without_a_stable_repr_are_never_considered_unchanged():
    context = {"thing": object()}
    assert fingerprinter({}).key("t", {"thing"}, context) != fingerprinter({}).key("t", {"thing"}, context)


def test_sources_find_posts_inside_lists_pairs_and_mappings():
    first, second, third = post("/c/a.md", "A"), post("/c/b.md", "B"), post("/c/c.md", "C")
    first.next_article = third
    context = {
        "article": first,
        "categories": [("Industri", [second])],
        "tags": {"Export": [third]},
        "SITENAME": "SIM",
    }
    found = set().union(*fingerprinter({}).sources({"article", "categories", "tags", "SITENAME"}, context))
    assert found == {"/c/a.md", "/c/b.md", "/c/c.md"}


def test_a_content_memo_keeps_fingerprints_across_builds_until_the_object_is_forgotten():
    article, other = post("/c/a.md", "A"), post("/c/b.md", "B")
    memo, digests = ContentMemo(), {"/c/a.md": "a1", "/c/b.md": "b1"}

    def key(value):
        return Fingerprinter({}, digests.get, lambda: "urls", memo).key("t", {"article"}, {"article": value})

    first, first_other = key(article), key(other)
    digests.update({"/c/a.md": "a2", "/c/b.md": "b2"})
    assert key(article) == first, "the memo answers for objects it was not told about"
    memo.forget([article])
    assert key(article) != first
    assert key(other) == first_other
