"""Markdown converted ahead on two cores gives Pelican exactly the HTML it would have made itself."""

import os
import shutil

import pytest
from pelican.settings import read_settings

from sim_content.front_matter_reader import FrontMatterReader
from sim_content.markdown_ahead import content_files, convert_ahead, convert_files
from sim_content.markdown_memo import MarkdownMemo, flavour_of, memo_for
from sitebuild.front_matter import front_matter_text
from tests.preview.synthetic_posts import write_synthetic_posts
from tests.site.site_helpers import REPO, copy_repo, run_build, snapshot


def yaml_posts(content_dir, count):
    """`count` valid news posts in YAML front matter, as every content file is written."""
    paths = write_synthetic_posts(content_dir, count)
    for path in paths:
        path.write_text(front_matter_text(path.read_text(encoding="utf-8")), encoding="utf-8")
    return paths


def settings_for(content_dir):
    return read_settings(str(REPO / "pelicanconf.py"), override={"PATH": str(content_dir), "MARKDOWN_CACHE": ""})


def what_the_reader_converts(settings, paths, memo_file):
    """{digest: HTML} as Pelican's reader produces it for `paths`, through a recording memo."""
    recorded = dict(settings, MARKDOWN_CACHE=str(memo_file))
    reader = FrontMatterReader(recorded)
    for path in paths:
        reader.read(str(path))
    return memo_for(recorded).html


@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(REPO / "content", folder)
    yaml_posts(folder, 120)
    return folder


def test_ahead_on_two_cores_gives_the_readers_html_for_every_text(content, tmp_path):
    settings = settings_for(content)
    expected = what_the_reader_converts(settings, content_files(settings), tmp_path / "reader.json")
    memo = MarkdownMemo(tmp_path / "ahead.json", flavour_of(settings["MARKDOWN"]))
    assert convert_ahead(settings, memo, min_files=1) == len(expected)
    assert memo.html == expected


def test_ahead_leaves_a_warm_memo_and_a_small_site_alone(content, tmp_path):
    settings = settings_for(content)
    warm = MarkdownMemo(tmp_path / "warm.json", flavour_of(settings["MARKDOWN"]))
    warm.absorb({str(n): "<p>x</p>" for n in range(len(content_files(settings)))})
    assert convert_ahead(settings, warm, min_files=1) == 0
    cold = MarkdownMemo(tmp_path / "cold.json", flavour_of(settings["MARKDOWN"]))
    assert convert_ahead(settings, cold) == 0 and cold.html == {}  # fewer files than AHEAD_MIN_FILES


def test_files_pelican_refuses_are_skipped_not_fatal(content):
    news = content / "nyheter"
    (news / "trasig-yaml.md").write_text("---\nTitle: [oavslutad\n---\n\nText.\n", encoding="utf-8")
    (news / "lista.md").write_text("---\n- inte\n- en ordlista\n---\n\nText.\n", encoding="utf-8")
    (news / "binar.md").write_bytes(b"---\nTitle: \xff\xfe\n---\n\nText.\n")
    (news / "summering.md").write_text("---\nTitle: Lista\nSummary: [rad ett, null, rad tre]\n---\n\nBrödtext.\n",
                                       encoding="utf-8")
    settings = settings_for(content)
    fields = frozenset(field.lower() for field in settings["FORMATTED_FIELDS"])
    converted = convert_files(settings["MARKDOWN"], fields, sorted(news.glob("*.md")))
    assert "<p>rad ett\nrad tre</p>" in converted.values() and "<p>Brödtext.</p>" in converted.values()


def test_a_large_cold_build_is_the_same_site_with_or_without_the_memo(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    yaml_posts(repo / "content", 230)  # more files than AHEAD_MIN_FILES, so a worker converts ahead
    sites = {}
    for name, memo_file in (("plain", "off"), ("ahead", str(tmp_path / "markdown.json"))):
        result = run_build(repo, "build", "--output", str(tmp_path / name), "--no-search", "--no-handbook",
                           env={"SIM_MARKDOWN_CACHE": memo_file, "SIM_OG_CACHE": str(tmp_path / "og")})
        assert result.returncode == 0, result.stderr
        sites[name] = snapshot(tmp_path / name)
    assert os.path.getsize(tmp_path / "markdown.json") > 0
    assert sites["plain"] == sites["ahead"]
