"""What build.py's verbs do: build, check, clean, new (serve lives in preview/).

Each function prints its own messages (errors to stderr, in Swedish where the
communicator reads them) and returns whether it succeeded.
"""

import os
import shutil
import sys
import time
from pathlib import Path

from sim_content.settings_env import SettingsError
from sim_content.timeutil import build_now
from sim_content.validate import ContentInvalid, validate_content
from sitebuild.child_process import ChildStep, StepFailed, described
from sitebuild.editor import build_editor
from sitebuild.handbook import HandbookBuild
from sitebuild.paths import CONTENT, OUTPUT, ROOT
from sitebuild.pelican_run import BuildFailed, run_pelican
from sitebuild.scaffold import first_author, new_content_file
from sitebuild.search import build_search_index
from sitebuild.swap import leftovers, make_staging_dir, swap_into_place


def progress(message):
    print(f"[build] {message}", flush=True)


def build(publish=False, output=OUTPUT, search=True, handbook=True):
    """Build the whole site into `output`; print errors and return False if anything failed."""
    output = Path(output).resolve()
    staging = make_staging_dir(output)
    started = time.perf_counter()
    # Pelican renders in a child process (forked first, before anything else
    # runs), so its memory is given back before pagefind indexes. The handbook
    # builds beside it, on another core, into a folder of its own, so neither
    # Pelican nor pagefind sees it half-written; it moves in at the end.
    progress(f"rendering the site with Pelican ({'publish' if publish else 'local'} settings)"
             + (", the handbook with mkdocs beside it" if handbook else ""))
    pelican_step = ChildStep(run_pelican, staging, publish)
    handbook_dir = make_staging_dir(output) if handbook else None
    handbook_build = HandbookBuild(handbook_dir / "handbok") if handbook else None
    try:
        pelican_step.wait()
        if search:
            progress(f"indexing search with pagefind ({time.perf_counter() - started:.1f} s: Pelican done)")
            build_search_index(staging)
        if handbook:
            handbook_build.wait()
            progress(f"handbook in place ({time.perf_counter() - started:.1f} s)")
            if (handbook_dir / "handbok").is_dir():
                os.replace(handbook_dir / "handbok", staging / "handbok")
        progress(build_editor(staging, publish))
        swap_into_place(staging, output)
    except ContentInvalid as invalid:
        print(invalid, file=sys.stderr)
        print(f"Bygget avbröts: {len(invalid.errors)} fel i innehållet. output/ är orörd.", file=sys.stderr)
        return False
    except (BuildFailed, SettingsError, StepFailed) as error:
        print(f"Build failed: {error}", file=sys.stderr)
        return False
    except Exception as error:  # a theme or plugin bug: report where, keep output/ as it was
        print(f"Build failed: {described(error)}", file=sys.stderr)
        return False
    finally:
        pelican_step.stop()
        if handbook_build:
            handbook_build.stop()
            shutil.rmtree(handbook_dir, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
    progress(f"done in {time.perf_counter() - started:.1f} s → {output}")
    return True


def check():
    """Validate the content files only (no output); return True if they are all valid."""
    errors = validate_content(CONTENT, ROOT)
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        print(f"{len(errors)} fel i innehållet.", file=sys.stderr)
        return False
    print("Innehållet är giltigt.")
    return True


def clean():
    """Remove output/, half-finished build folders and Pelican's cache."""
    for path in (OUTPUT, *leftovers(OUTPUT), ROOT / "cache"):
        if path.exists():
            shutil.rmtree(path)
            progress(f"removed {path.relative_to(ROOT)}")


def new(kind, title):
    """Scaffold a news post or call with today's date; refuse to overwrite. Return the path or None."""
    author = os.environ.get("SIM_AUTHOR", "").strip() or first_author(CONTENT)
    try:
        path, text = new_content_file(kind, title, CONTENT, build_now(), author)
    except ValueError:
        print(f"Rubriken {title!r} ger ingen adress – använd bokstäver eller siffror.", file=sys.stderr)
        return None
    if path.exists():
        print(f"{path.relative_to(ROOT)} finns redan – välj en annan rubrik eller redigera filen.", file=sys.stderr)
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"Skapade {path.relative_to(ROOT)}")
    return path
