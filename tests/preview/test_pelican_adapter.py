"""The Pelican adapter: body-read recording, the skipping writer, its documented touch points."""

import ast
import os
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.writers import FileOverwriteFailedError

from preview.pelican_adapter import (
    PELICAN_VERSION_CHECKED, SkippingWriter, forget_rendered_bodies, install_body_read_recorder,
    recording_body_reads, version_warning,
)

PREVIEW = Path(__file__).resolve().parents[2] / "preview"


def post(path, body, **metadata):
    return Article(body, metadata={"title": path, **metadata}, source_path=path)


def test_recording_names_the_posts_whose_bodies_a_render_reads():
    install_body_read_recorder()
    forget_rendered_bodies()
    first, second, summarised = post("/c/a.md", "<p>A</p>"), post("/c/b.md", "<p>B</p>"), post(
        "/c/s.md", "<p>S</p>", summary="<p>Kort.</p>")
    assert first.content == "<p>A</p>"  # outside a block nothing is recorded, and nothing breaks
    with recording_body_reads() as outer:
        assert first.content == "<p>A</p>"  # memoised by Pelican now, still recorded
        with recording_body_reads() as inner:
            assert "B" in second.summary  # no Summary header: the summary is cut from the body
        assert summarised.summary == "<p>Kort.</p>"  # an explicit Summary does not read the body
        assert first.title == "/c/a.md"
    assert outer == {"/c/a.md"}
    assert inner == {"/c/b.md"}


def writer_in(output, render_page, written):
    settings = dict(DEFAULT_CONFIG, OUTPUT_PATH=str(output))
    return SkippingWriter(str(output), settings, render_page, on_written=written.append)


TEMPLATE = Environment(loader=DictLoader({"page.html": "<p>{{ word }}</p>"})).get_template("page.html")


def test_an_unchanged_page_is_left_on_disk_and_a_second_write_still_fails(tmp_path):
    asked, written = [], []

    def render_page(template, localcontext, path, call, must_render):
        asked.append((path, must_render, call.name))
        return template.render(localcontext) if must_render or "new" in path else None

    unchanged = tmp_path / "kept.html"
    unchanged.write_text("sidan från förra bygget", encoding="utf-8")
    writer = writer_in(tmp_path, render_page, written)
    writer.write_file("kept.html", TEMPLATE, {"localsiteurl": ""}, word="ny")
    writer.write_file("new.html", TEMPLATE, {"localsiteurl": ""}, word="ny")

    assert unchanged.read_text(encoding="utf-8") == "sidan från förra bygget"
    assert (tmp_path / "new.html").read_text(encoding="utf-8") == "<p>ny</p>"
    assert writer.skipped == 1
    assert writer.rendered == {str(tmp_path / "new.html")}
    assert writer.produced == {str(unchanged), str(tmp_path / "new.html")}
    assert written == [str(tmp_path / "new.html")]
    with pytest.raises(FileOverwriteFailedError):  # Pelican's duplicate-output rule still applies
        writer.write_file("kept.html", TEMPLATE, {"localsiteurl": ""}, word="igen")
    assert asked[-1] == (str(unchanged), True, "kept.html")


def test_a_page_name_escaping_the_output_folder_is_refused(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    written = []
    writer = writer_in(output, lambda template, localcontext, *_: template.render(localcontext), written)
    with pytest.raises(RuntimeError):
        writer.write_file("../utanfor.html", TEMPLATE, {"localsiteurl": ""}, word="x")
    assert not (tmp_path / "utanfor.html").exists()
    assert written == []


def test_replaying_a_recorded_call_writes_the_same_page_again(tmp_path):
    calls, written = [], []

    def render_page(template, localcontext, path, call, must_render):
        calls.append(call)
        return template.render(localcontext)

    writer_in(tmp_path, render_page, written).write_file("a.html", TEMPLATE, {"localsiteurl": ""}, word="ett")
    (tmp_path / "a.html").unlink()
    writer_in(tmp_path, render_page, written).replay(calls[0])
    assert (tmp_path / "a.html").read_text(encoding="utf-8") == "<p>ett</p>"


def test_every_touch_point_in_the_adapter_says_what_it_relies_on():
    source = (PREVIEW / "pelican_adapter.py").read_text(encoding="utf-8")
    assert "4.12.0" in source
    tree = ast.parse(source)
    touching = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))
                and any(isinstance(n, ast.Attribute) and n.attr.startswith("_") and not n.attr.startswith("__")
                        and not (isinstance(n.value, ast.Name) and n.value.id == "self") for n in ast.walk(node))]
    assert touching
    lines = source.splitlines()
    for node in touching:
        start = node.lineno - 1
        while start > 0 and lines[start - 1].lstrip().startswith("#"):  # the comment right above counts
            start -= 1
        text = "\n".join(lines[start: node.end_lineno])
        assert "Relies on" in text, f"{node.name} (line {node.lineno}) touches Pelican internals without saying why"


def test_output_paths_are_absolute_like_the_engines_records(tmp_path):
    seen = []
    writer = writer_in(tmp_path / "ut" / ".." / "ut", lambda t, c, path, *_: seen.append(path) or "x", [])
    writer.write_file("nyheter/a/index.html", TEMPLATE, {"localsiteurl": ""}, word="x")
    assert seen == [os.path.abspath(tmp_path / "ut" / "nyheter" / "a" / "index.html")]


def test_another_pelican_version_is_named_with_what_to_check():
    assert version_warning(PELICAN_VERSION_CHECKED) is None
    warning = version_warning("4.13.0")
    assert "4.13.0" in warning and PELICAN_VERSION_CHECKED in warning
    assert "preview/pelican_adapter.py" in warning
