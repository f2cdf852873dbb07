"""Convert content files from `Key: value` headers to YAML front matter.

    python -m sitebuild.front_matter content/     # convert every .md under content/
    python -m sitebuild.front_matter --check content/   # list files still to convert; exit 1 if any

The web editor (Decap CMS) reads and writes YAML front matter between `---`
lines; Pelican reads it through pelican-yaml-metadata and the validator through
sim_content.headers. Running the conversion again changes nothing: files that
already open with front matter are left byte for byte as they are. Keys keep
their spelling; values stay text (quoted where YAML would read a date or a
number), except Tags, which becomes a YAML list as the editor writes it.
"""

import argparse
import sys
from pathlib import Path

from sim_content.headers import front_matter, has_front_matter, split_key_value_header

LIST_FIELDS = {"tags"}


def front_matter_text(text):
    """The file text with its `Key: value` header as YAML front matter; unchanged if it has front matter."""
    if has_front_matter(text):
        return text
    entries, body = split_key_value_header(text)
    if not entries:
        return text
    metadata = {}
    for key, entry in entries.items():
        if key in LIST_FIELDS:
            metadata[entry.key] = [part.strip() for part in entry.value.split(",") if part.strip()]
        else:
            metadata[entry.key] = entry.value
    return front_matter(metadata, body)


def convert_tree(folder):
    """Convert every Markdown file under `folder`; return the paths that changed."""
    changed = []
    for path in sorted(Path(folder).rglob("*.md")):
        text = path.read_text(encoding="utf-8-sig")
        converted = front_matter_text(text)
        if converted != text:
            path.write_text(converted, encoding="utf-8")
            changed.append(path)
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description="Convert Key: value headers to YAML front matter.")
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="only list files still to convert")
    args = parser.parse_args(argv)
    pending = []
    for folder in args.folders:
        if args.check:
            pending += [p for p in sorted(folder.rglob("*.md"))
                        if front_matter_text(p.read_text(encoding="utf-8-sig")) != p.read_text(encoding="utf-8-sig")]
        else:
            pending += convert_tree(folder)
    for path in pending:
        print(f"{path}: {'needs converting' if args.check else 'converted'}")
    return 1 if args.check and pending else 0


if __name__ == "__main__":
    sys.exit(main())
