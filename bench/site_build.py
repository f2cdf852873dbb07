#!/usr/bin/env python3
"""Benchmark: our full site build vs. vanilla Pelican on the same 2,000 synthetic posts.

(a) vanilla: Pelican's default settings, no plugins, default theme.
(b) ours: pelicanconf.py with the sim_content plugin, pelican-sitemap,
    pelican-neighbors and our theme (validation included).
Pagefind and the handbook are timed separately, since vanilla has neither.
Each build runs in a fresh process; the best of --rounds is kept. Prints
figures and the ratio (budget: ≤ 1.5); asserts nothing.

    .venv/bin/python -m bench.site_build [--posts 2000] [--rounds 2]
"""

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sim_content.schema import AREAS, CATEGORIES

ROOT = Path(__file__).resolve().parents[1]

WORDS = ("industri produktion företag tillväxt kompetens digitalisering export maskin "
         "flöde kvalitet investering region samarbete analys utbildning").split()
TAGS = [f"Etikett {n}" for n in range(20)]

# Runs one Pelican build in a fresh interpreter and prints its wall time as JSON.
RUNNER = """
import json, sys, time
from pelican import Pelican
from pelican.settings import read_settings
config, content, output = sys.argv[1], sys.argv[2], sys.argv[3]
override = {"PATH": content, "OUTPUT_PATH": output}
if config == "-":
    config = None
    override.update(PLUGINS=[], DELETE_OUTPUT_DIRECTORY=False)
started = time.perf_counter()
settings = read_settings(config, override=override)
Pelican(settings).run()
print(json.dumps({"seconds": time.perf_counter() - started}))
"""


def sentence(rng, words=12):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def write_posts(folder, count, rng):
    """Write `count` valid news posts into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    first = date(2019, 1, 1)
    for n in range(count):
        day = first + timedelta(days=n % 2500)
        tags = ", ".join(rng.sample(TAGS, 3))
        body = "\n\n".join(" ".join(sentence(rng) for _ in range(4)) for _ in range(4))
        (folder / f"{day}-inlagg-{n}.md").write_text(
            f"Title: Inlägg nummer {n} om {rng.choice(WORDS)}\nDate: {day}\nAuthor: Bänkredaktionen\n"
            f"Category: {CATEGORIES[n % len(CATEGORIES)]}\nTags: {tags}\nSummary: {sentence(rng)}\n"
            f"Slug: inlagg-{n}\n\n{body}\n\n- punkt ett\n- punkt två\n\n[Läs mer](/om-sim/)\n",
            encoding="utf-8",
        )


def make_corpus(base, count):
    """Return (vanilla content dir, our content dir) holding the same posts."""
    rng = random.Random(2018)
    ours = base / "ours"
    write_posts(ours / "nyheter", count, rng)
    (ours / "forfattare").mkdir()
    (ours / "forfattare" / "bank.md").write_text(
        "Title: Bänkredaktionen\nRole: Skriver syntetiska inlägg\n\nFinns bara i mätningen.\n", encoding="utf-8")
    shutil.copytree(ROOT / "content" / "sidor", ours / "sidor")
    (ours / "utlysningar").mkdir()
    for n, area in enumerate(AREAS):
        (ours / "utlysningar" / f"u{n}.md").write_text(
            f"Title: Utlysning {n}\nOpens: 2026-0{n + 1}-01 08:00\nDeadline: 2027-0{n + 1}-01 16:00\n"
            f"Area: {area}\nAudience: Alla\nSummary: Syntetisk.\nSlug: utlysning-{n}\n\nText.\n",
            encoding="utf-8")
    vanilla = base / "vanilla"
    shutil.copytree(ours / "nyheter", vanilla)
    return vanilla, ours


def timed_build(config, content, output):
    result = subprocess.run([sys.executable, "-c", RUNNER, config, str(content), str(output)],
                            capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"build failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])["seconds"]


def timed(command):
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sim-bench-") as tmp:
        base = Path(tmp)
        vanilla, ours = make_corpus(base, args.posts)
        best = {"vanilla": float("inf"), "ours": float("inf")}
        for round_number in range(args.rounds):
            for name, config, content in (("vanilla", "-", vanilla), ("ours", str(ROOT / "pelicanconf.py"), ours)):
                output = base / f"out-{name}-{round_number}"
                seconds = timed_build(config, content, output)
                best[name] = min(best[name], seconds)
                print(f"round {round_number + 1}: {name:8s} {seconds:6.2f} s")
        site = base / f"out-ours-{args.rounds - 1}"
        pagefind = timed([sys.executable, "-m", "pagefind", "--site", str(site), "--force-language", "sv", "--silent"])
        handbook = None
        if (ROOT / "handbook" / "mkdocs.yml").exists():
            handbook = timed([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                              "-f", str(ROOT / "handbook" / "mkdocs.yml"), "-d", str(base / "handbok")])
    ratio = best["ours"] / best["vanilla"]
    print(f"posts: {args.posts}")
    print(f"(a) vanilla Pelican: {best['vanilla']:.2f} s")
    print(f"(b) our Pelican build: {best['ours']:.2f} s")
    print(f"ratio (b)/(a): {ratio:.2f} (budget ≤ 1.5: {'within' if ratio <= 1.5 else 'OVER'})")
    print(f"separately: pagefind {pagefind:.2f} s"
          + (f", handbook {handbook:.2f} s" if handbook is not None else ", handbook not present"))


if __name__ == "__main__":
    main()
