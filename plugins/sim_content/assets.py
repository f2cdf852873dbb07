"""Fingerprinted theme assets: `asset("css/site.css")` → "/theme/css/site.<hash10>.css".

The hash changes whenever the file's bytes change, so Netlify can cache
/theme/css/* for a year (see netlify.toml) and a new deploy is still seen at once.
"""

import hashlib
import shutil
from pathlib import Path


def fingerprinted_name(relative_path, static_dir):
    """Return `relative_path` with the first 10 hex of the file's sha256 before the extension."""
    source = Path(static_dir) / relative_path
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:10]
    path = Path(relative_path)
    return path.with_name(f"{path.stem}.{digest}{path.suffix}").as_posix()


class AssetFingerprinter:
    """The Jinja global `asset()`; remembers what it handed out so the build can write those copies."""

    def __init__(self, static_dir, siteurl, static_prefix="theme"):
        self.static_dir = Path(static_dir)
        self.siteurl = siteurl
        self.static_prefix = static_prefix
        self.used = {}  # relative source path → fingerprinted relative path

    def __call__(self, relative_path):
        relative_path = relative_path.lstrip("/")
        if relative_path not in self.used:
            self.used[relative_path] = fingerprinted_name(relative_path, self.static_dir)
        return f"{self.siteurl}/{self.static_prefix}/{self.used[relative_path]}"

    def write_copies(self, output_dir):
        """Put each asset handed out in output/<prefix>/ under its fingerprinted name only.

        The plain copy Pelican made is removed: /theme/css/* is cached as
        immutable (netlify.toml), which is only safe for names that change
        with the content.
        """
        for source, target in self.used.items():
            served = Path(output_dir) / self.static_prefix
            (served / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.static_dir / source, served / target)
            (served / source).unlink(missing_ok=True)
