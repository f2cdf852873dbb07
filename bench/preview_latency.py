"""Preview latency at 2,000 posts: saved edit → updated page on disk, next to a cold full build.

    .venv/bin/python -m bench.preview_latency [--posts 2000] [--edits 5]

Copies the repo's site sources into a temp folder, adds synthetic news posts,
times a cold `build.py build --no-search --no-handbook` there, then starts the
preview exactly as `build.py serve` runs it (IncrementalSite + watchdog) and
saves edits to different posts. Each latency runs from the moment the file is
written until the post's page in the output folder holds the new sentence.
Body edits and a title edit are patched into the warm content model; a date
edit (which reorders lists and neighbours) takes the full incremental build,
whose pages are announced to the browser one by one as they are written.
Both are reported separately from the body-edit median.
Prints figures; asserts nothing.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from preview.server import PreviewSession
from preview.watch import watch
from tests.preview.synthetic_posts import append_sentence, synthetic_post_path, write_synthetic_posts
from tests.site.site_helpers import BUILD_NOW, copy_repo

POLL_SECONDS = 0.002


def cold_full_build(repo_dir, output_dir):
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(repo_dir / "build.py"), "build", "--output", str(output_dir), "--no-search", "--no-handbook"],
        cwd=repo_dir, capture_output=True, text=True, env={**os.environ, "SIM_BUILD_NOW": BUILD_NOW},
    )
    if result.returncode != 0:
        sys.exit(f"full build failed:\n{result.stdout}\n{result.stderr}")
    return time.perf_counter() - started


def wait_for_text(path, text, timeout=60.0):
    """Seconds until `path` contains `text` (polled); None on timeout."""
    started = time.perf_counter()
    needle = text.encode("utf-8")
    while time.perf_counter() - started < timeout:
        try:
            if needle in path.read_bytes():
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(POLL_SECONDS)
    return None


def measure_edit(session, edit, page, marker):
    """Apply `edit`, return (seconds until `page` shows `marker`, engine seconds, fast path?)."""
    before = session.last_report
    edit()
    latency = wait_for_text(page, marker)
    deadline = time.monotonic() + 30
    while session.last_report is before and time.monotonic() < deadline:
        time.sleep(0.01)
    report = session.last_report
    return latency, report.seconds, report.fast


def measure_header_edit(session, repo_dir, number, key, value, marker):
    """Set header `key` of post `number` to `value`; wait for `marker` in its page, or
    (marker None) for the rebuild to finish."""
    post = synthetic_post_path(repo_dir / "content", number)
    text = re.sub(rf"(?m)^{key}: .*$", f"{key}: {value}", post.read_text(encoding="utf-8"), count=1)
    page = session.output_dir / f"nyheter/syntetiskt-inlagg-{number}/index.html"
    if marker is not None:
        return measure_edit(session, lambda: post.write_text(text, encoding="utf-8"), page, marker)
    before = session.last_report
    started = time.perf_counter()
    post.write_text(text, encoding="utf-8")
    while session.last_report is before and time.perf_counter() - started < 120:
        time.sleep(POLL_SECONDS)
    return time.perf_counter() - started, session.last_report.seconds, session.last_report.fast


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    os.environ["SIM_BUILD_NOW"] = BUILD_NOW

    with tempfile.TemporaryDirectory(prefix="preview-bench-") as tmp:
        repo_dir = copy_repo(Path(tmp) / "repo")
        write_synthetic_posts(repo_dir / "content", args.posts)
        print(f"corpus: {args.posts} synthetic posts + the real content")
        cold = cold_full_build(repo_dir, Path(tmp) / "full")
        print(f"cold full build (build.py build --no-search --no-handbook): {cold:.2f} s")

        session = PreviewSession(repo_dir, Path(tmp) / "output")
        started = time.perf_counter()
        session.start()
        print(f"preview start (first render into output/): {time.perf_counter() - started:.2f} s")
        stop = threading.Event()
        watcher = threading.Thread(target=watch, args=(session, stop), daemon=True)
        watcher.start()
        time.sleep(0.5)  # let the observer settle

        body = []
        step = max(1, args.posts // args.edits)
        for n in range(args.edits):
            number = (n * step + 17) % args.posts
            post = synthetic_post_path(repo_dir / "content", number)
            marker = f"Mätmening {n} för förhandsvisningen."
            page = session.output_dir / f"nyheter/syntetiskt-inlagg-{number}/index.html"
            body.append(measure_edit(session, lambda: append_sentence(post, marker), page, marker))
            time.sleep(0.3)

        title = measure_header_edit(session, repo_dir, (args.posts // 2 + 3) % args.posts,
                                    "Title", "Ny rubrik för mätningen", "Ny rubrik för mätningen")
        time.sleep(0.3)
        date = measure_header_edit(session, repo_dir, (args.posts // 3 + 5) % args.posts,
                                   "Date", "2031-01-01 10:00", "1 januari 2031")
        stop.set()
        watcher.join(timeout=5)

    latencies = [latency for latency, _, _ in body if latency is not None]
    print(f"body edits ({len(body)} posts), saved → page written: "
          f"median {statistics.median(latencies):.3f} s, max {max(latencies):.3f} s "
          f"(engine: median {statistics.median(s for _, s, _ in body):.3f} s; "
          f"fast path {sum(f for _, _, f in body)}/{len(body)})")
    print(f"ratio cold full build / median body edit: {cold / statistics.median(latencies):.0f}×")
    print(f"title edit (neighbours and lists show it), saved → page written: {title[0]:.3f} s "
          f"(engine {title[1]:.3f} s, patched in place: {title[2]})")
    print(f"date edit (post moves in every list), saved → page written: {date[0]:.3f} s "
          f"(whole rebuild {date[1]:.3f} s, patched in place: {date[2]}; live reload announces "
          f"each page as it is written)")


if __name__ == "__main__":
    main()
