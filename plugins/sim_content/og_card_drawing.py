"""Drawing a social card: the page's kind and title on the pre-drawn background.

The fixed part (logo, programme name, owner line) is drawn once by
sitebuild/theme_images.py into theme/og/background.png. The font is Red Hat
Display from the pinned package font-rhd (SIL Open Font License): Pillow's
built-in font has no å, ä or ö. With the font and Pillow pinned, every
machine draws the same bytes.

Speed (a few ms per card): the card is a palette image ("P") whose indices
0..TEXT blend the deep blue into white, so anti-aliased white text needs no
RGB image; each glyph is rasterised once per process and then pasted
(FreeType drawing whole lines was most of the time); PNG encoding uses
run-length deflate. Where cards go and when they are drawn: og_cards.py; bump its
CARD_VERSION whenever the drawing here changes, or builds keep cached cards.
"""

import functools
import os
import tempfile
import zlib
from importlib.resources import files
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

CARD_SIZE = (1200, 630)
MARGIN = 80
TEXT = 127  # palette index of white; 0..TEXT blend from the deep blue
ACCENT = 255  # palette index of the amber
DEEP = (0x0A, 0x2F, 0x47)
WHITE = (0xFF, 0xFF, 0xFF)
AMBER = (0xF3, 0xB5, 0x3F)
BACKGROUND = Path(__file__).resolve().parents[2] / "theme" / "og" / "background.png"

LABEL_TOP = 222
TITLE_TOP = 276
# (font size, most lines): the first that fits the title wins, the last one truncates.
TITLE_STEPS = ((64, 3), (52, 4), (44, 4))


@functools.cache
def card_font(weight, size):
    """Red Hat Display in `weight` ("Bold", "Medium", "Regular") at `size` px."""
    return ImageFont.truetype(str(files("font_rhd") / "files" / f"RedHatDisplay-{weight}.ttf"), size)


def card_palette():
    """768 palette bytes: 0..TEXT blend deep blue → white, ACCENT is amber, the rest unused."""
    palette = []
    for index in range(256):
        if index <= TEXT:
            share = index / TEXT
            palette += [round(d + (w - d) * share) for d, w in zip(DEEP, WHITE)]
        else:
            palette += list(AMBER if index == ACCENT else DEEP)
    return palette


def wrap(text, font, width):
    """Greedy word wrap by rendered width; a word wider than a line is split by characters."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while font.getlength(word) > width:
            cut = max(1, next(i for i in range(len(word), 0, -1) if font.getlength(word[:i]) <= width))
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def title_layout(title):
    """(font, lines) for the title: the largest size whose lines fit, else the smallest, cut with "…"."""
    width = CARD_SIZE[0] - 2 * MARGIN
    for size, most in TITLE_STEPS:
        font = card_font("Bold", size)
        lines = wrap(title, font, width)
        if len(lines) <= most:
            return font, lines
    kept = lines[:most]
    while kept[-1] and font.getlength(kept[-1] + " …") > width:
        kept[-1] = kept[-1][:-1]
    kept[-1] = kept[-1].rstrip() + " …"
    return font, kept


class GlyphStamp:
    """Draws text by pasting glyph masks rasterised once per (font, character)."""

    def __init__(self):
        self._glyphs = {}
        self._steps = {}

    def _glyph(self, font, char):
        key = (id(font), char)
        if key not in self._glyphs:
            left, top, right, bottom = font.getbbox(char)
            mask = Image.new("L", (max(1, right - left), max(1, bottom - top)))
            ImageDraw.Draw(mask).text((-left, -top), char, font=font, fill=255)
            self._glyphs[key] = (mask, left, top)
        return self._glyphs[key]

    def _step(self, font, char, following):
        """Pen advance from `char` to `following`: the width of the pair minus the second (kerning included)."""
        key = (id(font), char, following)
        if key not in self._steps:
            self._steps[key] = font.getlength(char + following) - font.getlength(following)
        return self._steps[key]

    def text(self, image, xy, text, font, fill):
        """Like ImageDraw.text with anchor "la"."""
        x, y = xy
        pen = 0.0
        for index, char in enumerate(text):
            if not char.isspace():
                mask, left, top = self._glyph(font, char)
                image.paste(fill, (x + round(pen) + left, y + top), mask)
            if index + 1 < len(text):
                pen += self._step(font, char, text[index + 1])


class CardRenderer:
    """Draws cards on the pre-rendered background; one per build, so fonts and glyphs are reused."""

    def __init__(self, background=BACKGROUND):
        with Image.open(background) as image:
            self.palette = image.getpalette()
            # Indices as a grayscale image, so text is anti-aliased (Pillow does not for "P").
            self.base = Image.frombytes("L", image.size, image.tobytes())
        self.label_font = card_font("Bold", 28)
        self.stamp = GlyphStamp()

    def render(self, title, label):
        card = self.base.copy()
        if label:
            label = label.upper()
            width = round(self.label_font.getlength(label))
            ImageDraw.Draw(card).rectangle([MARGIN, LABEL_TOP + 38, MARGIN + width, LABEL_TOP + 43], fill=ACCENT)
            self.stamp.text(card, (MARGIN, LABEL_TOP), label, self.label_font, TEXT)
        font, lines = title_layout(" ".join(title.split()) or "SIM")
        line_height = round(font.size * 1.18)
        for number, line in enumerate(lines):
            self.stamp.text(card, (MARGIN, TITLE_TOP + number * line_height), line, font, TEXT)
        card.putpalette(self.palette)
        return card


@functools.cache
def shared_renderer():
    """One renderer per process, so fonts and glyphs are rasterised once."""
    return CardRenderer()


def draw_into(cached, title, label):
    cached.parent.mkdir(parents=True, exist_ok=True)
    # Another worker or build may write the same card at the same time: write aside, then rename.
    handle, temporary = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
    with os.fdopen(handle, "wb") as file:
        # Run-length deflate: the card is mostly flat colour, so it is faster than
        # zlib level 1 and smaller (≈ 26 KB).
        shared_renderer().render(title, label).save(file, format="PNG", compress_level=1, compress_type=zlib.Z_RLE)
    os.chmod(temporary, 0o644)  # mkstemp's 0600 is too strict for a file the site serves
    os.replace(temporary, cached)
