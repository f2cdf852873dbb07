"""Build into a fresh folder next to output/, then swap it in whole.

A failed build never leaves a half-written output/: the new site becomes
output/ with two renames, only after every step succeeded.
"""

import os
import secrets
import shutil
from pathlib import Path

STAGING_PREFIX = ".output-"


def make_staging_dir(output):
    """Create and return an empty, uniquely named folder next to `output`.

    Not tempfile.mkdtemp: that creates the folder mode 0700, and after the swap
    output/ would be readable only by the builder, so a form service running as
    another user could not read calls.json. A plain mkdir gets 0777 minus the
    process umask, like every other folder the build writes.
    """
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    while True:
        candidate = output.with_name(STAGING_PREFIX + secrets.token_hex(6))
        try:
            candidate.mkdir()
        except FileExistsError:  # 48 random bits: practically never, but never reuse a folder
            continue
        return candidate


def swap_into_place(new_dir, output):
    """Make `new_dir` the output folder: output→output.old, new→output, remove old."""
    output = Path(output)
    old = output.with_name(output.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if output.exists():
        os.replace(output, old)
    os.replace(new_dir, output)
    shutil.rmtree(old, ignore_errors=True)


def leftovers(output):
    """Folders an interrupted build may leave next to `output` (for `clean`)."""
    output = Path(output)
    return [output.with_name(output.name + ".old"), *output.parent.glob(STAGING_PREFIX + "*")]
