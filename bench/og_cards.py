"""Social cards: milliseconds per card, cold (drawn) and warm (copied from the cache).

Usage: .venv/bin/python -m bench.og_cards [COUNT]   (default 500 titles)

Baseline, measured in the same run: the obvious way to draw the same card
(an RGB image, ImageDraw.text per line, PNG at Pillow's default level).
Prints figures and does not assert.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from PIL import Image, ImageDraw

from sim_content.og_card_drawing import BACKGROUND, MARGIN, TITLE_TOP, card_font, title_layout
from sim_content.og_cards import CardMaker

WORDS = ("Produktionsanalys för tillverkande företag i Jämtland Härjedalen – "
         "ny utlysning om export, finansiering och kompetens hösten 2026").split()


def titles(count):
    """Distinct, realistic titles of 4 to 12 words."""
    return [" ".join(WORDS[(i + k) % len(WORDS)] for k in range(4 + i % 9)) + f" {i}" for i in range(count)]


def naive_card(title, target):
    with Image.open(BACKGROUND) as background:
        card = background.convert("RGB")
    draw = ImageDraw.Draw(card)
    font, lines = title_layout(title)
    for number, line in enumerate(lines):
        draw.text((MARGIN, TITLE_TOP + number * round(font.size * 1.18)), line, font=font, fill="white")
    card.save(target)


def per_card_ms(seconds, count):
    return seconds / count * 1000


def run_maker(folder, names):
    settings = {"OG_CARD_CACHE": str(folder / "cache"), "PUBLIC_SITEURL": "https://sim.test", "PATH": str(folder)}
    maker = CardMaker(settings, folder / "output")
    started, cpu_started = time.perf_counter(), time.process_time()
    for index, title in enumerate(names):
        maker(SimpleNamespace(title=title, save_as=f"nyheter/post-{index}/index.html"))
    maker.finish()  # the build waits for its card workers at `finalized`
    return time.perf_counter() - started, time.process_time() - cpu_started, maker.drawn


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    names = titles(count)
    card_font("Bold", 64)  # font files opened once per build in real use too
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        for index, title in enumerate(names[: max(20, count // 10)]):
            naive_card(title, folder / f"naive-{index}.png")
        naive = per_card_ms(time.perf_counter() - started, max(20, count // 10))

        cold_seconds, cold_cpu, drawn = run_maker(folder, names)
        warm_runs = []
        for _ in range(3):
            seconds, _, redrawn = run_maker(folder, names)  # a new build: same cache, output overwritten
            assert redrawn == 0
            warm_runs.append(seconds)
        sizes = [p.stat().st_size for p in (folder / "cache").glob("*.png")]

    cold = per_card_ms(cold_seconds, drawn)
    cold_cpu = per_card_ms(cold_cpu, drawn)
    warm = per_card_ms(statistics.median(warm_runs), count)
    print(f"{count} cards, 1200×630 PNG, median size {statistics.median(sizes) / 1024:.1f} KB")
    print(f"  baseline (RGB, ImageDraw.text, PNG level 6): {naive:6.2f} ms/card")
    print(f"  ours, cold (drawn + cached + copied):        {cold:6.2f} ms/card  ({naive / cold:.1f}× faster)")
    print(f"  ours, cold, CPU time only (load-proof):      {cold_cpu:6.2f} ms/card")
    print(f"  ours, warm (copied from cache/og/):          {warm:6.2f} ms/card")
    print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"  at 2,000 posts: cold {2000 * cold / 1000:.1f} s wall ({2000 * cold_cpu / 1000:.1f} s CPU), "
          f"warm {2000 * warm / 1000:.2f} s")


if __name__ == "__main__":
    main()
