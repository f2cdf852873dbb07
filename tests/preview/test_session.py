"""PreviewSession as `build.py serve` drives it: background search index included in the comparison.

pagefind's index is deterministic for identical pages (checked: two runs over
the same output are byte-identical), so /pagefind/ is compared like any file.
"""

import pytest
from tests.preview.preview_helpers import differences, run_build
from tests.preview.synthetic_posts import append_sentence, synthetic_post_path

from preview.server import PreviewSession
from sitebuild.search import build_search_index

pytestmark = pytest.mark.slow


def test_preview_with_search_index_equals_full_build_with_search(site_copy, tmp_path):
    session = PreviewSession(site_copy, tmp_path / "output", build_search_index=build_search_index)
    assert session.start()
    post = synthetic_post_path(site_copy / "content", 12)
    append_sentence(post, "Sökbar mening efter ändringen.")
    assert session.handle([str(post)])
    assert session.search.wait_idle(timeout=240)
    assert session.search.runs >= 1

    reference = tmp_path / "full"
    result = run_build(site_copy, "build", "--output", str(reference), "--no-handbook")
    assert result.returncode == 0, result.stderr
    assert (reference / "pagefind").is_dir()
    problems = differences(session.output_dir, reference)
    assert not problems, "; ".join(problems[:20])


def test_unrelated_saves_do_not_rebuild(site_copy, tmp_path):
    session = PreviewSession(site_copy, tmp_path / "output")
    assert session.start()
    generation = session.broadcaster.generation
    stray = site_copy / "README-utkast.txt"
    stray.write_text("anteckning", encoding="utf-8")
    assert session.handle([str(stray)]) is False
    assert session.broadcaster.generation == generation


def test_a_theme_change_re_renders_everything_without_emptying_the_site_first(site_copy, tmp_path):
    session = PreviewSession(site_copy, tmp_path / "output")
    assert session.start()
    stale = session.output_dir / "nyheter" / "gammal-sida" / "index.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("<p>inte från bygget</p>", encoding="utf-8")
    removed = synthetic_post_path(site_copy / "content", 1)
    removed.unlink()  # seen only by the restarted engine
    removed_page = session.output_dir / "nyheter/syntetiskt-inlagg-1/index.html"
    assert removed_page.exists()

    css = site_copy / "theme" / "static" / "css" / "site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* ändrad */\n", encoding="utf-8")
    assert session.handle([str(css)])
    assert session.last_report.skipped == 0, "a new engine renders every page"
    assert not removed_page.exists()
    assert stale.exists(), "files no engine wrote are left alone on a restart"
    reference = tmp_path / "full"
    result = run_build(site_copy, "build", "--output", str(reference), "--no-search", "--no-handbook")
    assert result.returncode == 0, result.stderr
    stale.unlink()
    assert not differences(session.output_dir, reference)


def test_a_handbook_save_rebuilds_it_in_the_background_and_reloads(site_copy, tmp_path):
    built = []

    def build_handbook(site_dir):
        (site_dir / "handbok").mkdir(exist_ok=True)
        (site_dir / "handbok" / "index.html").write_text(f"<p>version {len(built)}</p>", encoding="utf-8")
        built.append(site_dir)

    session = PreviewSession(site_copy, tmp_path / "output", build_handbook=build_handbook)
    assert session.start()
    assert session.handbook.wait_idle(timeout=30)
    generation = session.broadcaster.generation
    page = site_copy / "handbook" / "docs" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nNy rad.\n", encoding="utf-8")
    session.handle([str(page)])
    assert session.handbook.wait_idle(timeout=30)
    assert len(built) == 2
    assert (session.output_dir / "handbok" / "index.html").read_text(encoding="utf-8") == "<p>version 1</p>"
    assert session.broadcaster.generation == generation + 1
