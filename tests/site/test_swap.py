"""The atomic swap: a staging folder next to output/, then two renames."""

from sitebuild.swap import leftovers, make_staging_dir, swap_into_place


def test_staging_folders_are_fresh_and_found_by_clean(tmp_path):
    output = tmp_path / "output"
    first, second = make_staging_dir(output), make_staging_dir(output)
    assert first != second
    assert set(leftovers(output)) >= {first, second}


def test_swap_replaces_output_and_leaves_no_old_copy(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "old.html").write_text("gammal", encoding="utf-8")
    staging = make_staging_dir(output)
    (staging / "new.html").write_text("ny", encoding="utf-8")
    swap_into_place(staging, output)
    assert sorted(p.name for p in output.iterdir()) == ["new.html"]
    assert not staging.exists() and not (tmp_path / "output.old").exists()
