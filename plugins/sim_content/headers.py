"""Read the `Key: value` header of a content file, keeping line numbers.

Pelican parses the header too, but it forgets where each key was; error
messages for the communicator need the line. The rules follow Markdown's meta
extension: the header ends at the first blank line (or the first line that is
not `Key: value`), and lines indented by four spaces continue the previous value.
"""

import re
from dataclasses import dataclass
from pathlib import Path

_KEY_LINE = re.compile(r"^[ ]{0,3}([A-Za-z0-9_-]+):\s*(.*?)\s*$")
_CONTINUATION = re.compile(r"^[ ]{4,}(.*?)\s*$")


@dataclass
class HeaderEntry:
    key: str  # as written, e.g. "Deadline"
    value: str
    line: int  # 1-based


def read_header(path):
    """Return {lower-case key: HeaderEntry} for the header of the Markdown file at `path`."""
    text = Path(path).read_text(encoding="utf-8-sig")
    return parse_header(text)


def parse_header(text):
    """Parse header lines from `text`; the first occurrence of a repeated key wins its line."""
    entries = {}
    last = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            break
        key_match = _KEY_LINE.match(line)
        if key_match:
            key, value = key_match.groups()
            last = entries.setdefault(key.lower(), HeaderEntry(key, value, number))
            if last.line != number:  # a repeated key: Markdown joins the values
                last.value = f"{last.value} {value}".strip()
            continue
        continuation = _CONTINUATION.match(line)
        if continuation and last is not None:
            last.value = f"{last.value} {continuation.group(1)}".strip()
            continue
        break
    return entries
