"""Lighthouse (mobile) scores of home, an article, the calls list, a call and the sign-up form.

Usage:
    (cd bench/lighthouse && npm ci)          # once: the pinned Lighthouse
    .venv/bin/python bench/lighthouse.py [--keep REPORT_DIR]

Builds the site with the publish settings into a temporary folder
(SIM_SITEURL = the local address, so canonical and og: URLs point at the
origin being measured), serves it with the real form service mounted on
/anmalan and netlify.toml's headers (tests/browser/serve_built_site.py, the
same one-origin setup Netlify's proxy gives), and runs Lighthouse on each
page with Debian's Chromium. Prints the four category scores per page and,
for any score below 100, the audits that cost points. Does not assert.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
LIGHTHOUSE = REPO / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build(output, base):
    env = {**os.environ, "SIM_SITEURL": base, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("FORMSVC_URL", None)
    subprocess.run([sys.executable, "build.py", "build", "--publish", "--output", str(output), "--no-handbook"],
                   cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)


def serve(output, port, data_dir, base):
    env = {
        **os.environ, "PYTHONDONTWRITEBYTECODE": "1", "SIM_SITEURL": base,
        "FORMSVC_DATA_DIR": str(data_dir), "CALLS_FILE": str(output / "calls.json"),
        "SHEET_PATH": str(data_dir / "anmalningar.xlsx"), "SECRET_KEY": "lighthouse-bench-only",
        "FORMSVC_SECURE_COOKIES": "0", "FORMSVC_RELAY_THREAD": "0", "FORMSVC_TRUSTED_PROXIES": "0",
    }
    server = subprocess.Popen(
        [sys.executable, str(REPO / "tests" / "browser" / "serve_built_site.py"), "--root", str(output), "--port", str(port)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/anmalan/health", timeout=2).status_code == 200:
                return server
        except requests.ConnectionError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the site server did not come up within 30 s")


def pages_to_measure(output):
    calls = json.loads((output / "calls.json").read_text(encoding="utf-8"))["calls"]
    now = datetime.now(timezone.utc)
    open_call = next(call for call in calls
                     if datetime.fromisoformat(call["opens"]) <= now < datetime.fromisoformat(call["deadline"]))
    lists = {"sida", "kategori", "etikett", "forfattare", "arkiv"}
    article = sorted(p.parent.name for p in (output / "nyheter").glob("*/index.html") if p.parent.name not in lists)[0]
    return {
        "home": "/",
        "article": f"/nyheter/{article}/",
        "calls list": "/utlysningar/",
        "a call": f"/utlysningar/{open_call['slug']}/",
        "sign-up form": f"/anmalan/{open_call['slug']}/",
    }


def lighthouse(url, report):
    command = [
        str(LIGHTHOUSE), url, "--output=json", f"--output-path={report}", "--quiet",
        f"--only-categories={','.join(CATEGORIES)}", "--chrome-flags=--headless --no-sandbox",
    ]
    subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROME}, check=True)
    return json.loads(Path(report).read_text(encoding="utf-8"))


def lost_points(result, category):
    """Titles of the audits of `category` that scored below 1 and carry weight."""
    refs = result["categories"][category]["auditRefs"]
    audits = result["audits"]
    return [audits[ref["id"]]["title"] for ref in refs
            if ref["weight"] > 0 and audits[ref["id"]]["score"] is not None and audits[ref["id"]]["score"] < 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="folder to keep the JSON reports in")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `npm ci` in bench/lighthouse/ first")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        output = folder / "output"
        build(output, base)
        (folder / "data").mkdir()
        server = serve(output, port, folder / "data", base)
        try:
            print(f"Lighthouse (mobile, simulated throttling) on {base}; load average {os.getloadavg()[0]:.1f}")
            print(f"{'page':14} " + " ".join(f"{c[:13]:>13}" for c in CATEGORIES))
            for name, path in pages_to_measure(output).items():
                report = folder / f"{name.replace(' ', '-')}.json"
                result = lighthouse(base + path, report)
                scores = [round(result["categories"][c]["score"] * 100) for c in CATEGORIES]
                print(f"{name:14} " + " ".join(f"{s:>13}" for s in scores))
                for category, score in zip(CATEGORIES, scores):
                    if score < 100:
                        print(f"    {category}: {'; '.join(lost_points(result, category))}")
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    shutil.copy(report, args.keep / report.name)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
