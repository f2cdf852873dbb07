"""sitebuild.search: the pagefind index, in bundles when the site is large."""

import json
import shutil

from sitebuild.search import BUNDLE_LIST, _run_pagefind, build_search_index, indexed_pages


def page_count(bundle):
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


def unindexed_copy(built_site, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(built_site, root, ignore=shutil.ignore_patterns("pagefind*", "handbok"))
    return root


def test_a_small_site_is_one_bundle_with_every_marked_page(built_site):
    pages = indexed_pages(built_site)
    assert "nyheter/nu-har-sim-startat/index.html" in pages and "sok/index.html" not in pages
    assert page_count(built_site / "pagefind") == len(pages)
    assert json.loads((built_site / "pagefind" / BUNDLE_LIST).read_text()) == {"merge": []}
    assert not list(built_site.glob("pagefind-*"))


def test_a_large_site_is_indexed_in_bundles_that_together_hold_every_page_once(built_site, tmp_path, monkeypatch):
    root = unindexed_copy(built_site, tmp_path)
    pages = indexed_pages(root)
    monkeypatch.setenv("SIM_SEARCH_BUNDLE_PAGES", "4")
    build_search_index(root)
    extra = json.loads((root / "pagefind" / BUNDLE_LIST).read_text())["merge"]
    bundles = [root / "pagefind", *(root / path for path in extra)]
    assert len(bundles) == -(-len(pages) // 4) >= 3
    assert [page_count(bundle) for bundle in bundles] == [min(4, len(pages) - 4 * n) for n in range(len(bundles))]
    assert sorted(path.name for path in root.glob("pagefind-*")) == sorted(path.rstrip("/") for path in extra)
    assert all((bundle / "pagefind-ui.js").is_file() for bundle in bundles)

    monkeypatch.setenv("SIM_SEARCH_BUNDLE_PAGES", "10000")  # the site shrank below one bundle: old bundles go
    shutil.rmtree(root / "pagefind")
    build_search_index(root)
    assert not list(root.glob("pagefind-*"))
    assert page_count(root / "pagefind") == len(pages)


def test_a_path_pagefind_would_read_as_a_pattern_keeps_the_site_in_one_bundle(built_site, tmp_path, monkeypatch):
    root = unindexed_copy(built_site, tmp_path)
    odd = root / "nyheter" / "{a,b}"
    odd.mkdir()
    shutil.copy(root / "nyheter" / "nu-har-sim-startat" / "index.html", odd / "index.html")
    monkeypatch.setenv("SIM_SEARCH_BUNDLE_PAGES", "4")
    build_search_index(root)
    assert json.loads((root / "pagefind" / BUNDLE_LIST).read_text()) == {"merge": []}
    assert page_count(root / "pagefind") == len(indexed_pages(root))


def test_only_marked_pages_reach_pagefind_and_the_index_is_the_same_as_a_whole_site_run(built_site, tmp_path):
    root = unindexed_copy(built_site, tmp_path)
    _run_pagefind(["--site", str(root)])  # what pagefind writes when it parses every page itself
    whole_site = {path.relative_to(root / "pagefind"): path.read_bytes()
                  for path in (root / "pagefind").rglob("*") if path.is_file()}
    shutil.rmtree(root / "pagefind")
    build_search_index(root)
    ours = {path.relative_to(root / "pagefind"): path.read_bytes()
            for path in (root / "pagefind").rglob("*") if path.is_file() and path.name != BUNDLE_LIST}
    assert ours == whole_site


def test_a_site_with_no_marked_page_is_still_indexed_whole(built_site, tmp_path):
    root = unindexed_copy(built_site, tmp_path)
    for page in root.rglob("*.html"):
        page.write_bytes(page.read_bytes().replace(b"data-pagefind-body", b"data-x"))
    assert indexed_pages(root) == []
    build_search_index(root)
    assert page_count(root / "pagefind") > 10
