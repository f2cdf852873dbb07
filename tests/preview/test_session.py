"""PreviewSession as `build.py serve` drives it: background search index included in the comparison.

pagefind's index is deterministic for identical pages (checked: two runs over
the same output are byte-identical), so /pagefind/ is compared like any file.
"""

import pytest
from preview_helpers import differences, run_build

from preview.corpus import append_sentence, synthetic_post_path
from preview.server import PreviewSession

pytestmark = pytest.mark.slow


def build_search_index(site_dir):
    """The search indexer build.py uses (imported lazily: build.py is the site engine's module)."""
    import build

    build.build_search_index(site_dir)


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
