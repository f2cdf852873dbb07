"""Draw the fixed part of every social card (logo, name, owner line) once.

Called by sitebuild/theme_images.py. The card is a palette image whose indices 0..TEXT
blend the deep blue into white, so text drawn later with anti-aliasing lands
on valid colours; ACCENT is the amber, used only for hard-edged shapes.
See plugins/sim_content/og_card_drawing.py for the part drawn per page.
"""

from PIL import Image, ImageDraw

from sim_content.og_card_drawing import ACCENT, CARD_SIZE, MARGIN, TEXT, card_font, card_palette

SUPERSAMPLE = 4
LOGO_TOP = 60
LOGO_SCALE = 3  # the 32-unit logo grid → 96 px high
OWNER_LINE = "Region Jämtland Härjedalen · IUC Z-GROUP"
PROGRAMME_NAME = "Smart Industriell Modernisering"


def _scaled(box, scale, left, top):
    x, y, w, h = box
    return [left + x * scale, top + y * scale, left + (x + w) * scale - 1, top + (y + h) * scale - 1]


def _logo_layer(s_bars, im_bars, m_diagonals):
    """The logo in white on deep blue, drawn large and shrunk so its edges are smooth."""
    width, height = CARD_SIZE
    scale = LOGO_SCALE * SUPERSAMPLE
    layer = Image.new("L", (width * SUPERSAMPLE, height * SUPERSAMPLE), 0)
    draw = ImageDraw.Draw(layer)
    left, top = MARGIN * SUPERSAMPLE, LOGO_TOP * SUPERSAMPLE
    draw.rounded_rectangle([left, top, left + 32 * scale - 1, top + 32 * scale - 1], radius=6 * scale, fill=TEXT)
    for bar in s_bars:
        draw.rectangle(_scaled(bar, scale, left, top), fill=0)
    for bar in im_bars:
        draw.rectangle(_scaled(bar, scale, left, top), fill=TEXT)
    for points in m_diagonals:
        draw.polygon([(left + points[i] * scale, top + points[i + 1] * scale) for i in range(0, 8, 2)], fill=TEXT)
    return layer.reduce(SUPERSAMPLE)


def draw_background(target, s_bars, im_bars, m_diagonals, accent_bar):
    width, height = CARD_SIZE
    card = _logo_layer(s_bars, im_bars, m_diagonals)
    draw = ImageDraw.Draw(card)
    x, y, w, h = accent_bar
    draw.rectangle([MARGIN + x * LOGO_SCALE, LOGO_TOP + y * LOGO_SCALE,
                    MARGIN + (x + w) * LOGO_SCALE - 1, LOGO_TOP + (y + h) * LOGO_SCALE - 1], fill=ACCENT)
    name_font = card_font("Medium", 34)
    name_left = MARGIN + 80 * LOGO_SCALE
    draw.text((name_left, LOGO_TOP + 16 * LOGO_SCALE), PROGRAMME_NAME, font=name_font, fill=TEXT, anchor="lm")
    draw.text((MARGIN, height - 64), OWNER_LINE, font=card_font("Medium", 28), fill=TEXT, anchor="ls")
    draw.rectangle([0, height - 18, width - 1, height - 1], fill=ACCENT)
    card.putpalette(card_palette())
    card.save(target, optimize=True)
