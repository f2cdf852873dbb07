"""Regenerate the theme's drawn images: logo, favicon set, EU emblem, social-card background.

Run `.venv/bin/python -m sitebuild.theme_images` after changing a colour or
shape here; the outputs are committed so a build only has to draw the titles
on the social cards (plugins/sim_content/og_card_drawing.py).

The identity: a blocky "S" in a rounded square (the mark, also the favicon)
followed by "IM" drawn from the same bars, so the logo reads "SIM" without
depending on any font. Colours are the palette in theme/static/css/site.css.
"""

import math
import struct
import zlib
from sitebuild.paths import ROOT

THEME_DIR = ROOT / "theme"
IMG_DIR = THEME_DIR / "static" / "img"
OG_BACKGROUND = THEME_DIR / "og" / "background.png"

REFLEX_BLUE = "#003399"
EU_GOLD = "#FFCC00"
# Same values as --brand-deep, --accent and --paper in site.css.
DEEP = (0x0A, 0x2F, 0x47)
ACCENT = (0xF3, 0xB5, 0x3F)
WHITE = (0xFF, 0xFF, 0xFF)

# The mark on a 32-unit grid: rectangles (x, y, width, height).
S_BARS = ((8, 6, 16, 4), (8, 6, 4, 12), (8, 14, 16, 4), (20, 14, 4, 12), (8, 22, 16, 4))
ICON_RADIUS = 6
# "I" and "M" right of the mark, same stroke width (4) and height (6..26).
IM_BARS = ((38, 6, 4, 20), (48, 6, 4, 20), (64, 6, 4, 20))
M_DIAGONALS = ((52, 6, 58, 17, 58, 23, 52, 12), (64, 6, 58, 17, 58, 23, 64, 12))
ACCENT_BAR = (38, 28, 30, 4)
LOGO_WIDTH = 72


def hex_colour(rgb):
    return "#%02x%02x%02x" % rgb


def star_points(cx, cy, outer):
    """Five-pointed star with one point straight up, as an SVG points string."""
    inner = outer * math.sin(math.radians(18)) / math.sin(math.radians(54))
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90 + i * 36)
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}")
    return " ".join(points)


def eu_emblem_svg():
    """The EU flag: 3:2, stars on a circle of radius h/3, each star h/18 in radius."""
    width, height = 810, 540
    cx, cy, ring, star = width / 2, height / 2, height / 3, height / 18
    stars = []
    for hour in range(12):
        angle = math.radians(hour * 30)
        stars.append(f'<polygon points="{star_points(cx + ring * math.sin(angle), cy - ring * math.cos(angle), star)}"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f'<title>Europeiska unionens flagga</title>'
        f'<rect width="{width}" height="{height}" fill="{REFLEX_BLUE}"/>'
        f'<g fill="{EU_GOLD}">{"".join(stars)}</g></svg>\n'
    )


def _rects(bars):
    return "".join(f'<rect x="{x}" y="{y}" width="{w}" height="{h}"/>' for x, y, w, h in bars)


def _mark_svg():
    return f'<rect width="32" height="32" rx="{ICON_RADIUS}" fill="{hex_colour(DEEP)}"/><g fill="#fff">{_rects(S_BARS)}</g>'


def favicon_svg():
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">{_mark_svg()}</svg>\n'


def logo_svg():
    """The wordmark: the mark plus "IM" in the deep blue and an amber underline."""
    diagonals = "".join(
        '<polygon points="' + " ".join(f"{p[i]},{p[i + 1]}" for i in range(0, 8, 2)) + '"/>' for p in M_DIAGONALS
    )
    x, y, w, h = ACCENT_BAR
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LOGO_WIDTH} 32" width="{LOGO_WIDTH * 2}" height="64">'
        f'<title>SIM</title>{_mark_svg()}'
        f'<g fill="{hex_colour(DEEP)}">{_rects(IM_BARS)}{diagonals}</g>'
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{hex_colour(ACCENT)}"/></svg>\n'
    )


def icon_pixel(px, py):
    """RGBA at a point of the 32-unit mark (rounded corners, white S on deep blue)."""
    corner_x = min(max(px, ICON_RADIUS), 32 - ICON_RADIUS)
    corner_y = min(max(py, ICON_RADIUS), 32 - ICON_RADIUS)
    if math.hypot(px - corner_x, py - corner_y) > ICON_RADIUS:
        return (0, 0, 0, 0)
    on_bar = any(bx <= px < bx + bw and by <= py < by + bh for bx, by, bw, bh in S_BARS)
    return (*(WHITE if on_bar else DEEP), 255)


def icon_rows(size, samples=4):
    """Raw RGBA rows of the mark at `size` px, each pixel averaged over samples×samples points."""
    scale = 32 / size
    offsets = [(i + 0.5) / samples for i in range(samples)]
    rows = []
    for y in range(size):
        row = bytearray(b"\x00")  # PNG filter type 0
        for x in range(size):
            points = [icon_pixel((x + dx) * scale, (y + dy) * scale) for dx in offsets for dy in offsets]
            alpha = sum(p[3] for p in points)
            if alpha == 0:
                row += b"\x00\x00\x00\x00"
                continue
            colour = [round(sum(p[c] * p[3] for p in points) / alpha) for c in range(3)]
            row += bytes((*colour, round(alpha / len(points))))
        rows.append(bytes(row))
    return b"".join(rows)


def png_bytes(size=32):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(icon_rows(size), 9)) + chunk(b"IEND", b""))


def ico_bytes(png):
    """An .ico holding one 32x32 PNG (supported by every current browser)."""
    directory = struct.pack("<BBBBHHII", 32, 32, 0, 0, 1, 32, len(png), 6 + 16)
    return struct.pack("<HHH", 0, 1, 1) + directory + png


def main():
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    (IMG_DIR / "eu-emblem.svg").write_text(eu_emblem_svg(), encoding="utf-8")
    (IMG_DIR / "favicon.svg").write_text(favicon_svg(), encoding="utf-8")
    (IMG_DIR / "logo.svg").write_text(logo_svg(), encoding="utf-8")
    png = png_bytes(32)
    (IMG_DIR / "favicon.png").write_bytes(png)
    (IMG_DIR / "favicon.ico").write_bytes(ico_bytes(png))
    # iOS puts its own rounded mask on the icon; ours is drawn inside it anyway.
    (IMG_DIR / "apple-touch-icon.png").write_bytes(png_bytes(180))
    # Imported here: the card background is the only image that needs Pillow.
    from sitebuild.og_background import draw_background

    OG_BACKGROUND.parent.mkdir(parents=True, exist_ok=True)
    draw_background(OG_BACKGROUND, S_BARS, IM_BARS, M_DIAGONALS, ACCENT_BAR)


if __name__ == "__main__":
    main()
