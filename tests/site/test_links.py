"""Every internal link and embedded file in the built site resolves to a file in output/."""

from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

SITE_ORIGIN = "http://site.invalid"  # stand-in origin to resolve relative URLs against
SERVED_ELSEWHERE = ("/anmalan/",)  # formsvc answers these, not the static site
URL_ATTRIBUTES = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
                  ("source", "src"), ("iframe", "src"), ("form", "action"))


def page_url(output, page):
    relative = page.relative_to(output).as_posix()
    return f"{SITE_ORIGIN}/{relative.removesuffix('index.html')}"


def target_file(output, base_url, reference):
    """The file in output/ that `reference` on the page at `base_url` points to.

    None means "not ours to check" (another host, mailto:, a form-service path);
    a Path that does not exist means a broken link. Paths that climb out of
    output/ are mapped to a name that cannot exist, so they count as broken.
    """
    absolute = urljoin(base_url, reference.strip())
    parts = urlsplit(absolute)
    if f"{parts.scheme}://{parts.netloc}" != SITE_ORIGIN:
        return None
    path = unquote(parts.path)
    if path.startswith(SERVED_ELSEWHERE):
        return None
    root = output.resolve()
    candidate = (root / path.lstrip("/")).resolve()
    if candidate != root and root not in candidate.parents:
        return root / "\0outside-output"
    return candidate / "index.html" if candidate.is_dir() else candidate


def references(soup):
    for tag, attribute in URL_ATTRIBUTES:
        for element in soup.find_all(tag, attrs={attribute: True}):
            yield element[attribute]
    for element in soup.find_all(srcset=True):
        for candidate in element["srcset"].split(","):
            if candidate.strip():
                yield candidate.split()[0]


def broken_links(output, skip_pagefind):
    broken = []
    for page in sorted(output.rglob("*.html")):
        if skip_pagefind and page.relative_to(output).parts[0] == "pagefind":
            continue
        soup = BeautifulSoup(page.read_bytes(), "html5lib")
        base = page_url(output, page)
        for reference in references(soup):
            if skip_pagefind and urlsplit(urljoin(base, reference)).path.startswith("/pagefind/"):
                continue
            if reference.startswith("#"):
                if reference != "#" and soup.find(id=unquote(reference[1:])) is None:
                    broken.append(f"{page.relative_to(output)}: {reference} (no such id)")
                continue
            target = target_file(output, base, reference)
            if target is not None and not target.is_file():
                broken.append(f"{page.relative_to(output)}: {reference}")
    return broken


@pytest.fixture(scope="module")
def output(built_site):
    return Path(getattr(built_site, "output", built_site))


def test_every_internal_link_and_asset_resolves(output):
    pagefind_ran = (output / "pagefind" / "pagefind-ui.js").is_file()
    assert len(list(output.rglob("*.html"))) > 20
    assert broken_links(output, skip_pagefind=not pagefind_ran) == []


def test_the_checker_finds_broken_and_escaping_links(tmp_path):
    (tmp_path / "nyheter").mkdir()
    (tmp_path / "nyheter" / "index.html").write_text("<p>lista</p>", encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<a href="/nyheter/">ok</a> <a href="nyheter/">relative ok</a> <a href="/saknas/">gone</a>'
        '<a href="../../../../etc/passwd">escape</a> <a href="%2e%2e/%2e%2e/etc/hosts">encoded escape</a>'
        '<a href="https://example.org/">other host</a> <a href="mailto:a@example.org">mail</a>'
        '<a href="/anmalan/x/">formsvc</a> <a href="#finns">anchor</a> <a href="#saknas">bad anchor</a>'
        '<img src="/bild.png" alt=""> <img srcset="/a.png 1x, /b.png 2x" alt="">'
        '<span id="finns"></span>',
        encoding="utf-8",
    )
    found = broken_links(tmp_path, skip_pagefind=True)
    assert found == [
        "index.html: /saknas/",
        "index.html: ../../../../etc/passwd",
        "index.html: %2e%2e/%2e%2e/etc/hosts",
        "index.html: #saknas (no such id)",
        "index.html: /bild.png",
        "index.html: /a.png",
        "index.html: /b.png",
    ]


def test_pagefind_links_are_checked_once_pagefind_ran(tmp_path):
    (tmp_path / "index.html").write_text('<script src="/pagefind/pagefind-ui.js"></script>', encoding="utf-8")
    assert broken_links(tmp_path, skip_pagefind=True) == []
    assert broken_links(tmp_path, skip_pagefind=False) == ["index.html: /pagefind/pagefind-ui.js"]
