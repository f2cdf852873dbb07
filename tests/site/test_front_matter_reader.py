"""Pelican's reader for our content: libyaml, comma-separated tags, the Markdown memo after an old-style file."""

from pelican.settings import read_settings

from sim_content.front_matter_reader import FrontMatterReader
from sim_content.markdown_memo import memo_for
from tests.site.site_helpers import REPO


def reader(tmp_path, memo_file=""):
    settings = read_settings(str(REPO / "pelicanconf.py"),
                             override={"PATH": str(tmp_path), "MARKDOWN_CACHE": memo_file})
    return FrontMatterReader(settings)


def test_tags_written_as_one_text_are_split_on_commas(tmp_path):
    post = tmp_path / "post.md"
    post.write_text("---\nTitle: Hej\nTags: Export, Service ,\n---\n\nText.\n", encoding="utf-8")
    _, metadata = reader(tmp_path).read(str(post))
    assert [tag.name for tag in metadata["tags"]] == ["Export", "Service"]


def test_after_a_file_without_front_matter_the_next_one_still_goes_through_the_memo(tmp_path):
    # Pelican's fallback for the old header swaps the reader's Markdown instance.
    old_style = tmp_path / "old.md"
    old_style.write_text("Title: Gammal\n\nText.\n", encoding="utf-8")
    yaml_post = tmp_path / "new.md"
    body = "Obs: stycket börjar som en rubrikrad.\n"
    yaml_post.write_text(f"---\nTitle: Ny\n---\n{body}", encoding="utf-8")
    shared = reader(tmp_path, str(tmp_path / "memo.json"))
    memo = memo_for(shared.settings)
    memo.begin()
    _, old_metadata = shared.read(str(old_style))
    html, metadata = shared.read(str(yaml_post))
    assert old_metadata["title"] == "Gammal" and metadata["title"] == "Ny"
    assert "Obs: stycket börjar som en rubrikrad." in html
    assert html in memo.html.values()
