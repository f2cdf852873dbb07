"""Where the site's sources and output live.

The repository root is the folder above this package. That holds for the
editable install the README sets up (`pip install -e .`): the package is
imported from the checkout, not copied into site-packages. A copy of the
repository that runs its own `build.py` imports its own sitebuild/ first
(the script's folder comes first on sys.path), so it builds its own files.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
OUTPUT = ROOT / "output"
HANDBOOK_CONFIG = ROOT / "handbook" / "mkdocs.yml"
LOCAL_SETTINGS = ROOT / "pelicanconf.py"
PUBLISH_SETTINGS = ROOT / "publishconf.py"
