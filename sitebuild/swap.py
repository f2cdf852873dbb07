"""Build into a fresh folder next to output/, then swap it in whole.

A failed build never leaves a half-written output/: the new site becomes
output/ with two renames, only after every step succeeded.
"""

import os
import shutil
import tempfile
from pathlib import Path

STAGING_PREFIX = ".output-"


def make_staging_dir(output):
    """Create and return an empty, uniquely named folder next to `output`."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=output.parent))


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
