"""Output files map to the URL paths browsers use (what live reload compares)."""

from pathlib import Path

from preview.server import url_of


def test_index_files_map_to_their_folder_and_others_to_themselves():
    out = Path("/site/output")
    assert url_of(out / "index.html", out) == "/"
    assert url_of(out / "nyheter/x/index.html", out) == "/nyheter/x/"
    assert url_of(out / "404.html", out) == "/404.html"
    assert url_of(out / "feeds/nyheter.atom.xml", out) == "/feeds/nyheter.atom.xml"
    assert url_of(out / "nyheter/not-index.html", out) == "/nyheter/not-index.html"
