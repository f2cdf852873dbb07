"""Helpers for the output folder and the plugin state around a preview build."""

import os

from preview.fingerprint import digest_text


def delete_vanished(paths, output_path):
    """Remove output files the site no longer produces (a deleted post); return them."""
    deleted = []
    for path in sorted(paths):
        if os.path.isfile(path):
            os.remove(path)
            deleted.append(path)
            _remove_empty_parents(os.path.dirname(path), output_path)
    return deleted


def build_clock(output_path):
    """A timestamp on the output file system's own clock (mtime resolution and all)."""
    os.makedirs(output_path, exist_ok=True)
    marker = os.path.join(output_path, ".preview-clock")
    with open(marker, "w", encoding="utf-8"):
        pass
    try:
        return os.stat(marker).st_mtime_ns
    finally:
        os.remove(marker)


def files_written_since(output_path, clock, keep=()):
    """Absolute paths of files under `output_path` modified at or after `clock`.

    Catches what plugins write without Pelican's writer (calls.json, the
    fingerprinted CSS copy, sitemap.xml), so a later build can tell when one
    of them is no longer produced. Folders named in `keep` are not searched.
    """
    found = set()
    for folder, subfolders, files in os.walk(output_path):
        if folder == output_path:
            subfolders[:] = [name for name in subfolders if name not in keep]
        for name in files:
            path = os.path.join(folder, name)
            try:
                if os.stat(path).st_mtime_ns >= clock:
                    found.add(os.path.abspath(path))
            except FileNotFoundError:
                pass
    return found


def feed_shows_any(call, contents, max_items):
    elements = call[0][:max_items]
    return any(element is content for element in elements for content in contents)


def carry_over_assets(before, after):
    """Keep the theme assets earlier builds handed out.

    Our plugin's `asset()` records the files templates ask for while rendering
    and, at the end of the build, writes their fingerprinted copies and removes
    the plain ones. A page we skip does not ask, so without this its asset
    would be left under its plain name. The theme cannot change within one
    engine (a theme change starts a new one), so the old names are still right.
    """
    if before is not None and after is not None and before is not after:
        for source, target in getattr(before, "used", {}).items():
            after.used.setdefault(source, target)


def static_outputs(context, output_path):
    outputs = set()
    for static in context.get("static_content", {}).values():
        save_as = getattr(static, "save_as", None)
        if save_as:
            outputs.add(os.path.abspath(os.path.join(output_path, save_as)))
    return outputs


def url_map_digest(context):
    """Digest of where every source file ends up; intra-site links depend on it."""
    pairs = []
    for registry in ("generated_content", "static_content"):
        for source, item in context.get(registry, {}).items():
            pairs.append(f"{source}->{getattr(item, 'url', '')}")
    return "urls:" + digest_text("\0".join(sorted(pairs)))


def _remove_empty_parents(directory, stop):
    stop = os.path.abspath(stop)
    directory = os.path.abspath(directory)
    while directory.startswith(stop + os.sep) and not os.listdir(directory):
        os.rmdir(directory)
        directory = os.path.dirname(directory)
