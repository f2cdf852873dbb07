"""Fixtures for the editor (/admin/) tests: the repo and its plugins importable."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
for folder in (REPO, REPO / "plugins"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
