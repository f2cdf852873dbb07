"""Regenerate the theme's drawn images: EU emblem, favicon SVG/PNG/ICO.

Run `.venv/bin/python -m sitebuild.theme_images` after changing a colour or
shape here; the outputs are committed so the build needs no image tooling.
"""

import math
import struct
import zlib
from sitebuild.paths import ROOT

IMG_DIR = ROOT / "theme" / "static" / "img"

REFLEX_BLUE = "#003399"
EU_GOLD = "#FFCC00"
BRAND = (0x1D, 0x4E, 0x89)
WHITE = (0xFF, 0xFF, 0xFF)

# Blocky "S" on a 32-unit grid: rectangles (x, y, width, height) shared by
# the SVG and the rasterised PNG so both icons show the same mark.
S_BARS = ((8, 6, 16, 4), (8, 6, 4, 12), (8, 14, 16, 4), (20, 14, 4, 12), (8, 22, 16, 4))
ICON_RADIUS = 6


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


def favicon_svg():
    bars = "".join(f'<rect x="{x}" y="{y}" width="{w}" height="{h}"/>' for x, y, w, h in S_BARS)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<rect width="32" height="32" rx="{ICON_RADIUS}" fill="#{"%02x%02x%02x" % BRAND}"/>'
        f'<g fill="#fff">{bars}</g></svg>\n'
    )


def icon_pixel(x, y):
    """RGBA of one pixel of the 32x32 icon (pixel centres, rounded corners)."""
    px, py = x + 0.5, y + 0.5
    corner_x = min(max(px, ICON_RADIUS), 32 - ICON_RADIUS)
    corner_y = min(max(py, ICON_RADIUS), 32 - ICON_RADIUS)
    if math.hypot(px - corner_x, py - corner_y) > ICON_RADIUS:
        return (0, 0, 0, 0)
    on_bar = any(bx <= px < bx + bw and by <= py < by + bh for bx, by, bw, bh in S_BARS)
    return (*(WHITE if on_bar else BRAND), 255)


def png_bytes(size=32):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(c for x in range(size) for c in icon_pixel(x, y)) for y in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def ico_bytes(png):
    """An .ico holding one 32x32 PNG (supported by every current browser)."""
    directory = struct.pack("<BBBBHHII", 32, 32, 0, 0, 1, 32, len(png), 6 + 16)
    return struct.pack("<HHH", 0, 1, 1) + directory + png


def main():
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    (IMG_DIR / "eu-emblem.svg").write_text(eu_emblem_svg(), encoding="utf-8")
    (IMG_DIR / "favicon.svg").write_text(favicon_svg(), encoding="utf-8")
    png = png_bytes()
    (IMG_DIR / "favicon.png").write_bytes(png)
    (IMG_DIR / "favicon.ico").write_bytes(ico_bytes(png))


if __name__ == "__main__":
    main()
