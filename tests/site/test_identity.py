"""The visual identity: palette contrast, logo and favicons, the contact footer, call cards, print.

The palette test reads the colours and the declared text/background pairs
from theme/static/css/site.css itself and computes each ratio with the WCAG
2.1 formula, so a colour changed in the CSS is checked as it is.
"""

import re
import struct
from pathlib import Path

import pytest
from PIL import Image

from sim_content.contact import load_contact
from tests.site.site_helpers import parse_html, render_with_pelican, theme_pages

REPO = Path(__file__).resolve().parents[2]
CSS = REPO / "theme" / "static" / "css" / "site.css"
AA_NORMAL_TEXT = 4.5


def relative_luminance(hex_colour):
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first, second):
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def palette_and_pairs(css):
    root = re.search(r":root\s*\{(.*?)\}", css, re.S).group(1)
    palette = {name: value.lower() for name, value in re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", root)}
    pairs = re.findall(r"pair:\s*(--[\w-]+)\s+on\s+(--[\w-]+)", css)
    return palette, pairs


def test_contrast_formula_matches_known_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # famously just below AA


def test_every_declared_text_background_pair_meets_wcag_aa():
    palette, pairs = palette_and_pairs(CSS.read_text(encoding="utf-8"))
    assert len(palette) >= 8 and len(pairs) >= 10, (palette, pairs)
    failing = []
    for text, background in pairs:
        assert text in palette and background in palette, f"{text} on {background}: not defined in :root"
        ratio = contrast_ratio(palette[text], palette[background])
        if ratio < AA_NORMAL_TEXT:
            failing.append(f"{text} on {background}: {ratio:.2f}:1")
    assert not failing, failing


def test_colours_are_named_only_in_the_palette():
    css = CSS.read_text(encoding="utf-8")
    outside_root = re.sub(r":root\s*\{.*?\}", "", css, count=1, flags=re.S)
    outside_root = re.sub(r"/\*.*?\*/", "", outside_root, flags=re.S)
    literals = re.findall(r"#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\(", outside_root)
    assert not literals, f"colours outside :root: {literals}"


def test_every_colour_the_css_uses_is_covered_by_a_pair():
    css = CSS.read_text(encoding="utf-8")
    palette, pairs = palette_and_pairs(css)
    text_colours = set(re.findall(r"(?<![\w-])color:\s*var\((--[\w-]+)\)", css))
    backgrounds = set(re.findall(r"background:\s*var\((--[\w-]+)\)", css))
    declared_text = {text for text, _ in pairs}
    declared_backgrounds = {background for _, background in pairs}
    assert text_colours <= declared_text, text_colours - declared_text
    assert backgrounds - {"--line"} <= declared_backgrounds | {"--paper"}, backgrounds - declared_backgrounds


def test_print_stylesheet_hides_navigation_and_writes_out_link_targets():
    css = CSS.read_text(encoding="utf-8")
    start = css.index("@media print")
    block = css[start:]
    hidden = re.search(r"([^{}]*)\{\s*display:\s*none", block).group(1)
    assert ".site-nav" in hidden and ".skip-link" in hidden and ".button" in hidden
    assert 'content: " (" attr(href) ")"' in block


# --- built pages ------------------------------------------------------------


@pytest.fixture(scope="module")
def pages(built_site):
    return theme_pages(Path(built_site))


@pytest.fixture(scope="module")
def contact():
    return load_contact(REPO / "content")


def footer_of(page, name):
    footer = page.find("footer", class_="site-footer")
    assert footer is not None, f"{name}: no site footer"
    return footer


def test_every_page_footer_shows_owner_partner_and_a_working_email_link(pages, contact):
    assert len(pages) > 20
    for name, page in pages.items():
        footer = footer_of(page, name)
        text = " ".join(footer.get_text(" ").split())
        assert contact["agare"]["namn"] in text and contact["partner"]["namn"] in text, name
        assert contact["agare"]["postadress"] in text, name
        mail = footer.find("a", href=f"mailto:{contact['reply_email']}")
        assert mail is not None and mail.get_text(strip=True) == contact["reply_email"], name
        phone = footer.find("a", href=re.compile(r"^tel:\+46\d{6,}$"))
        assert phone is not None and phone.get_text(strip=True) == contact["agare"]["telefon"], name
        assert footer.find("a", href=contact["agare"]["webb"]) is not None, name


def test_footer_never_renders_an_empty_link(pages):
    for name, page in pages.items():
        for link in footer_of(page, name).find_all("a"):
            assert link.get_text(strip=True), f"{name}: empty link text {link}"
            assert link.get("href") not in (None, "", "mailto:", "tel:", "tel:+46", "#"), f"{name}: {link}"


def test_every_page_has_the_logo_linking_home(pages):
    for name, page in pages.items():
        brand = page.find("header", class_="site-header").find("a", class_="brand")
        assert brand["href"] == "/", name
        logo = brand.find("img")
        assert logo["alt"] == "SIM" and re.fullmatch(r"/theme/img/logo\.[0-9a-f]{10}\.svg", logo["src"]), name
        assert logo["width"] and logo["height"], name


def test_logo_and_favicons_are_written_at_their_sizes(built_site, pages):
    head = pages["index.html"].head
    icons = {link["href"]: link for link in head.find_all("link", rel=re.compile("icon"))}
    for href, link in icons.items():
        assert (Path(built_site) / href.lstrip("/")).is_file(), href
    by_rel = {(" ".join(link["rel"]), link.get("type")): href for href, link in icons.items()}
    with Image.open(Path(built_site) / by_rel[("icon", "image/png")].lstrip("/")) as image:
        assert image.size == (32, 32)
    with Image.open(Path(built_site) / by_rel[("apple-touch-icon", None)].lstrip("/")) as image:
        assert image.size == (180, 180)
    ico = (Path(built_site) / "favicon.ico").read_bytes()
    assert struct.unpack("<HHH", ico[:6]) == (0, 1, 1) and ico[22:30] == b"\x89PNG\r\n\x1a\n"
    svg = (Path(built_site) / by_rel[("icon", "image/svg+xml")].lstrip("/")).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "<script" not in svg


def test_call_cards_say_their_state_in_words(pages):
    words = {"open": "Öppen för anmälan", "upcoming": "Kommande", "closed": "Stängd"}
    seen = set()
    for card in pages["utlysningar/index.html"].select("main li.call"):
        state = next(c.removeprefix("call--") for c in card["class"] if c.startswith("call--"))
        assert card.find(class_="status").get_text(strip=True) == words[state]
        seen.add(state)
    assert seen == set(words)


def test_home_says_what_is_open_now(pages):
    home = pages["index.html"]
    now_open = home.find("p", class_="now-open").get_text(" ", strip=True)
    open_cards = home.select("section[aria-labelledby=oppna-utlysningar] li.call--open")
    assert open_cards and f"{len(open_cards)} öppna utlysningar" in now_open


# --- a contact file with hostile and missing values ------------------------------


@pytest.fixture(scope="module")
def hostile_contact_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("contact")
    content = root / "content"
    import shutil

    shutil.copytree(REPO / "content", content)
    toml = (content / "kontakt.toml").read_text(encoding="utf-8")
    toml = toml.replace('beskrivning = "', 'beskrivning = "<script>alert(1)</script> ', 1)
    toml = toml.replace('webb = "https://www.regionjh.se/"', 'webb = ""')
    (content / "kontakt.toml").write_text(toml, encoding="utf-8")
    return render_with_pelican(root / "output", content=content)


def test_footer_escapes_contact_values_and_skips_empty_ones(hostile_contact_site):
    page = parse_html(hostile_contact_site / "index.html")
    footer = page.find("footer", class_="site-footer")
    assert footer.find("script") is None
    assert "<script>alert(1)</script>" in footer.get_text()
    assert not [a for a in footer.find_all("a") if "regionjh.se/" in a.get("href", "") and a["href"].startswith("http")]
    assert all(a.get("href") for a in footer.find_all("a"))
