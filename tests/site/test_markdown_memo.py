"""The Markdown memo: a rebuild reuses the HTML of unchanged texts, and nothing stale or hostile gets in."""

import json

from markdown import Markdown

from sim_content.markdown_memo import MarkdownMemo, flavour_of
from tests.site.site_helpers import copy_repo, run_build, snapshot

SETTINGS = {"extension_configs": {"markdown.extensions.extra": {}}, "output_format": "html5"}


class CountingMarkdown:
    def __init__(self):
        self.markdown = Markdown(extensions=["markdown.extensions.extra"], output_format="html5")
        self.texts = []

    def convert(self, text):
        self.texts.append(text)
        return self.markdown.reset().convert(text)


def test_a_second_build_converts_only_new_texts_and_forgets_unused_ones(tmp_path):
    path = tmp_path / "markdown.json"
    first, converter = MarkdownMemo(path, flavour_of(SETTINGS)), CountingMarkdown()
    first.begin()
    assert first.convert(converter.convert, "*a*") == "<p><em>a</em></p>"
    first.convert(converter.convert, "**b**")
    first.save()

    second, converter = MarkdownMemo(path, flavour_of(SETTINGS)), CountingMarkdown()
    second.begin()
    assert second.convert(converter.convert, "**b**") == "<p><strong>b</strong></p>"
    second.convert(converter.convert, "c")
    assert converter.texts == ["c"]
    second.save()
    kept = json.loads(path.read_text(encoding="utf-8"))["html"]
    assert sorted(kept.values()) == ["<p><strong>b</strong></p>", "<p>c</p>"]


def test_a_text_showing_a_content_image_is_converted_every_time(tmp_path):
    # Its HTML carries the image file's width and height, which the text does not pin down.
    memo, converter = MarkdownMemo(tmp_path / "markdown.json", flavour_of(SETTINGS)), CountingMarkdown()
    memo.begin()
    for _ in range(2):
        memo.convert(converter.convert, "![Fabriken](/images/fabrik.jpg)")
    assert len(converter.texts) == 2 and memo.html == {}


def test_other_markdown_settings_start_from_nothing(tmp_path):
    path = tmp_path / "markdown.json"
    memo = MarkdownMemo(path, flavour_of(SETTINGS))
    memo.begin()
    memo.convert(CountingMarkdown().convert, "*a*")
    memo.save()
    changed = dict(SETTINGS, output_format="xhtml")
    assert flavour_of(changed) != flavour_of(SETTINGS)
    assert MarkdownMemo(path, flavour_of(changed)).html == {}


def test_a_broken_or_hostile_cache_file_is_ignored(tmp_path):
    path = tmp_path / "markdown.json"
    for text in (b"{not json", b'["a list"]', json.dumps({"flavour": flavour_of(SETTINGS), "html": "x"}).encode(),
                 b"\xff\xfe{"):
        path.write_bytes(text)
        memo = MarkdownMemo(path, flavour_of(SETTINGS))
        assert memo.html == {}
        converter = CountingMarkdown()
        assert memo.convert(converter.convert, "*a*") == "<p><em>a</em></p>" and converter.texts == ["*a*"]


def test_a_rebuild_from_the_cache_writes_the_same_site(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    cache = tmp_path / "cache" / "markdown.json"
    env = {"SIM_MARKDOWN_CACHE": str(cache)}
    outputs = []
    for run in ("cold", "warm"):
        output = tmp_path / run
        result = run_build(repo, "build", "--output", str(output), "--no-search", "--no-handbook", env=env)
        assert result.returncode == 0, result.stderr
        outputs.append(snapshot(output))
    assert cache.exists() and json.loads(cache.read_text(encoding="utf-8"))["html"]
    assert outputs[0] == outputs[1]


def test_an_edit_is_converted_again_not_served_from_the_cache(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    env = {"SIM_MARKDOWN_CACHE": str(tmp_path / "markdown.json")}
    post = sorted((repo / "content" / "nyheter").glob("*.md"))[0]
    for marker in ("Första versionen av stycket.", "Andra versionen av stycket."):
        post.write_text(post.read_text(encoding="utf-8") + f"\n\n{marker}\n", encoding="utf-8")
        output = tmp_path / marker[:5]
        result = run_build(repo, "build", "--output", str(output), "--no-search", "--no-handbook", env=env)
        assert result.returncode == 0, result.stderr
    pages = "".join(page.read_text(encoding="utf-8") for page in (tmp_path / "Andra").glob("nyheter/*/index.html"))
    assert "Andra versionen av stycket." in pages
