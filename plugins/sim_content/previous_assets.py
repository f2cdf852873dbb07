"""Keep the deployed site's fingerprinted assets for one more deploy.

Netlify publishes each build from a clean checkout, so a changed stylesheet
removes the old `site.<hash>.css` at once. The form service links the asset
names of the manifest it last fetched from the live site; until its next
fetch it would link a stylesheet that no longer exists. With
SIM_KEEP_ASSETS_FROM set to the live site's address, a publish build reads
that site's site.json and copies each asset it names that this build does
not have, so the previous names keep working for one deploy. Anything that
goes wrong (site down, first deploy, odd manifest) is a warning, never a
failed build: the site itself does not need the old files.
"""

import json
import logging
import re
import urllib.request
from pathlib import Path, PurePosixPath

from .manifest import MANIFEST_NAME

ASSET_MAX_BYTES = 2 * 1024 * 1024
TIMEOUT_SECONDS = 10
# A fingerprinted name as assets.py makes them: folders, a stem, 10 hex, a suffix.
_PUBLISHED_NAME = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*\.[0-9a-f]{10}(?:\.[A-Za-z0-9]+)?")

log = logging.getLogger(__name__)


def fetch(url, limit):
    """Bytes at `url` (at most `limit`), or raise OSError/ValueError."""
    with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http(s) checked by caller)
        data = response.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{url} is larger than {limit} bytes")
    return data


def keep_previous_assets(output_dir, live_site, current_assets, fetch=fetch):
    """Copy into `output_dir` the live site's published assets missing from this build; return their names."""
    live_site = live_site.strip().rstrip("/")
    if not live_site.startswith(("https://", "http://")):
        log.warning("SIM_KEEP_ASSETS_FROM=%r is not an http(s) address; previous assets not kept", live_site)
        return []
    try:
        previous = json.loads(fetch(f"{live_site}/{MANIFEST_NAME}", ASSET_MAX_BYTES))
        prefix, names = previous["static_prefix"], list(previous["assets"].values())
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        log.warning("could not read %s/%s (%s); previous assets not kept", live_site, MANIFEST_NAME, error)
        return []
    if not isinstance(prefix, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", prefix):
        log.warning("the live manifest's static_prefix %r is not a folder name; previous assets not kept", prefix)
        return []
    kept = []
    for name in names:
        if name in current_assets.values():
            continue
        if not isinstance(name, str) or not _PUBLISHED_NAME.fullmatch(name) or ".." in PurePosixPath(name).parts:
            log.warning("skipping %r from the live manifest: not a fingerprinted file name", name)
            continue
        try:
            data = fetch(f"{live_site}/{prefix}/{name}", ASSET_MAX_BYTES)
        except (OSError, ValueError) as error:
            log.warning("could not keep %s/%s/%s (%s)", live_site, prefix, name, error)
            continue
        target = Path(output_dir) / prefix / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        kept.append(name)
    if kept:
        log.info("kept %d asset(s) of the live site for pages that still link them: %s", len(kept), ", ".join(kept))
    return kept
