#!/usr/bin/env python3
"""Benchmark: the whole site build vs. vanilla Pelican on the same corpus, time and memory.

(a) vanilla: Pelican's default settings, no plugins, default theme, on the
    same posts written with Pelican's own `Key: value` headers (it renders
    them all as articles).
(b) ours, cold: `python build.py build` end to end (Pelican with our settings,
    plugins and theme, the pagefind search index and the mkdocs handbook), in a
    copy of the repository whose content/ is the real content plus the same
    posts with YAML front matter, the way every content file is written
    (sitebuild/front_matter.py converts them), with no build cache.
(c) ours, cached rebuild: one post's body changed, output/ gone (a fresh CI
    checkout) and only the build cache folder kept from (b), the way Netlify
    restores it between deploys.

Every build is a fresh process; wall time is measured from outside, and memory
is the peak of the summed resident set of the whole process tree (build.py and
every child it starts: pagefind, mkdocs), sampled every 20 ms. CPU is the
user + system time of the whole process tree; divided by the cores it is the
least wall time any schedule could reach. Best time of --rounds is kept, the
largest peak and the least CPU. Prints figures and ratios against (a)
measured in the same run; asserts nothing.

    .venv/bin/python -m bench.site_build [--posts 2000] [--rounds 2]
"""

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

import psutil

from sim_content.schema import CATEGORIES
from sitebuild.front_matter import front_matter_text
from sitebuild.paths import ROOT

# What `python build.py build` needs in a repository copy.
# What a CI build keeps between runs (Netlify's build cache): today the social cards.
BUILD_CACHE = "cache"
BUILD_SOURCES = ("build.py", "pelicanconf.py", "publishconf.py", "plugins", "theme", "handbook", "preview", "sitebuild")
WORDS = ("industri produktion företag tillväxt kompetens digitalisering export maskin "
         "flöde kvalitet investering region samarbete analys utbildning").split()
TAGS = [f"Etikett {n}" for n in range(20)]
BENCH_AUTHOR = "Bänkredaktionen"
BUILD_NOW = "2026-11-25T12:00:00+01:00"

# One vanilla Pelican build: default settings and theme, plugins off (Pelican
# would otherwise load every installed namespace plugin, ours included).
VANILLA = """
import sys
from pelican import Pelican
from pelican.settings import read_settings
settings = read_settings(None, override={"PATH": sys.argv[1], "OUTPUT_PATH": sys.argv[2], "PLUGINS": []})
Pelican(settings).run()
"""


def sentence(rng, words=12):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def post_text(n, rng, extra=""):
    day = date(2019, 1, 1) + timedelta(days=n % 2500)
    tags = ", ".join(rng.sample(TAGS, 3))
    body = "\n\n".join(" ".join(sentence(rng) for _ in range(4)) for _ in range(4))
    return (f"Title: Inlägg nummer {n} om {rng.choice(WORDS)}\nDate: {day}\nAuthor: {BENCH_AUTHOR}\n"
            f"Category: {CATEGORIES[n % len(CATEGORIES)]}\nTags: {tags}\nSummary: {sentence(rng)}\n"
            f"Slug: inlagg-{n}\n\n{body}{extra}\n\n- punkt ett\n- punkt två\n\n[Läs mer](/om-sim/)\n")


def make_repo(base, count):
    """A repository copy whose content/ is the real content plus `count` synthetic posts in
    YAML front matter, and base/vanilla-content/ with the same posts in Pelican's header format."""
    repo = base / "repo"
    repo.mkdir()
    for name in BUILD_SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.exists():
            shutil.copy2(source, repo / name)
    shutil.copytree(ROOT / "content", repo / "content")
    (repo / "content" / "forfattare" / "bank.md").write_text(
        f"Title: {BENCH_AUTHOR}\nRole: Skriver syntetiska inlägg\n\nFinns bara i mätningen.\n", encoding="utf-8")
    vanilla_content = base / "vanilla-content"
    vanilla_content.mkdir()
    rng = random.Random(2018)
    for n in range(count):
        text = post_text(n, rng)
        (vanilla_content / f"bench-{n:05d}.md").write_text(text, encoding="utf-8")
        (repo / "content" / "nyheter" / f"bench-{n:05d}.md").write_text(front_matter_text(text), encoding="utf-8")
    return repo


class TreeMemory:
    """Peak of the summed RSS of a process and all its descendants, sampled in a thread."""

    def __init__(self, pid, interval=0.02):
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self):
        while not self._stop.is_set():
            total = 0
            try:
                processes = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            for process in processes:
                try:
                    total += process.memory_info().rss
                except psutil.NoSuchProcess:  # ended between listing and reading
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def stop(self):
        self._stop.set()
        self._thread.join()
        return self.peak


class Run(NamedTuple):
    seconds: float  # wall time
    peak: int  # peak summed RSS of the process tree, bytes
    output: str
    cpu: float  # user + system CPU seconds of the whole tree (every descendant is waited for)


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured(command, cwd, env=None):
    """Run `command` and return a Run. Exit on failure."""
    cpu_before = children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    memory = TreeMemory(process.pid)
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    peak = memory.stop()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed:\n{output.decode(errors='replace')[-3000:]}")
    return Run(seconds, peak, output.decode(errors="replace"), children_cpu() - cpu_before)


def vanilla_build(repo, output):
    return measured([sys.executable, "-c", VANILLA, str(repo.parent / "vanilla-content"), str(output)], cwd=repo)


def our_build(repo, env):
    return measured([sys.executable, "build.py", "build"], cwd=repo, env=env)


def change_one_post(repo, round_number):
    path = repo / "content" / "nyheter" / "bench-00007.md"
    text = post_text(7, random.Random(round_number), extra=f"\n\nÄndrad i omgång {round_number}.")
    path.write_text(front_matter_text(text), encoding="utf-8")


def mb(size):
    return f"{size / 2**20:,.0f} MB"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    env = {**os.environ, "SIM_BUILD_NOW": BUILD_NOW}
    runs = {"vanilla": [], "cold": [], "rebuild": []}
    with tempfile.TemporaryDirectory(prefix="sim-bench-") as tmp:
        base = Path(tmp)
        repo = make_repo(base, args.posts)
        cache = repo / BUILD_CACHE
        for round_number in range(args.rounds):
            runs["vanilla"].append(vanilla_build(repo, base / f"vanilla-{round_number}"))
            shutil.rmtree(base / f"vanilla-{round_number}")
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(repo / "output", ignore_errors=True)
            runs["cold"].append(our_build(repo, env))
            change_one_post(repo, round_number)
            shutil.rmtree(repo / "output")  # a CI checkout starts without output/
            runs["rebuild"].append(our_build(repo, env))
            for name in runs:
                run = runs[name][-1]
                print(f"round {round_number + 1}: {name:8s} {run.seconds:6.2f} s  peak {mb(run.peak)}  "
                      f"CPU {run.cpu:6.2f} s", flush=True)
    best = {name: (min(run.seconds for run in values), max(run.peak for run in values),
                   min(run.cpu for run in values)) for name, values in runs.items()}
    cores = os.cpu_count() or 1
    vanilla_seconds, vanilla_peak, vanilla_cpu = best["vanilla"]
    print(f"posts: {args.posts} (+ the real content), best time / largest peak / least CPU of {args.rounds} "
          f"rounds, {cores} CPUs")
    print(f"(a) vanilla Pelican:           {vanilla_seconds:6.2f} s  peak {mb(vanilla_peak)}  CPU {vanilla_cpu:.2f} s")
    for name, label in (("cold", "(b) whole build, cold:      "), ("rebuild", "(c) one post changed, cached:")):
        seconds, peak, cpu = best[name]
        # The CPU the build needs, spread perfectly over every core: no schedule beats it.
        floor = cpu / cores / vanilla_seconds
        print(f"{label}  {seconds:6.2f} s  peak {mb(peak)}   time {seconds / vanilla_seconds:.2f}×, "
              f"memory {peak / vanilla_peak:.2f}× vanilla; CPU {cpu:.2f} s, so at best {floor:.2f}× on {cores} cores")
    print("budgets: (b) time ≤ 1.0× at 2,000 posts; (b) memory ≤ 2× at 10,000 posts; (c) time ≤ 0.25×")
    for name in ("cold", "rebuild"):  # where the time went, as build.py reports it (last round)
        steps = [line for line in runs[name][-1].output.splitlines() if line.startswith("[build]")]
        print(f"{name}: " + " | ".join(line.removeprefix("[build] ") for line in steps))


if __name__ == "__main__":
    main()
