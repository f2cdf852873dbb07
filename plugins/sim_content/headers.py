"""Read the metadata header of a content file, keeping line numbers.

Pelican parses the header too, but it forgets where each key was; error
messages for the communicator need the line. Two formats are read:

- YAML front matter between `---` lines, what the web editor (Decap CMS)
  writes and Pelican reads through pelican-yaml-metadata. Values are given
  back as the text the build checks: a list becomes "a, b", a date its ISO form.
- The older `Key: value` header of Markdown's meta extension: it ends at the
  first blank line (or the first line that is not `Key: value`), and lines
  indented by four spaces continue the previous value.
"""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

# libyaml's loader: the same rules as PyYAML's pure-Python one, ten times faster.
# PyYAML built without libyaml (no wheel for the platform) still works, slower.
FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_KEY_LINE = re.compile(r"^[ ]{0,3}([A-Za-z0-9_-]+):\s*(.*?)\s*$")
_CONTINUATION = re.compile(r"^[ ]{4,}(.*?)\s*$")
FENCE = "---"
# Same rule as pelican-yaml-metadata: the file opens with a "---" line, the
# metadata ends at the next line that is "---" or "...".
_FRONT_MATTER = re.compile(r"\A\s*^---[ \t]*$(?P<metadata>.*?)^(?:---|\.\.\.)[ \t]*$", re.MULTILINE | re.DOTALL)


class FrontMatterInvalid(ValueError):
    """The YAML front matter does not parse; `line` is 1-based in the file."""

    def __init__(self, line, message):
        self.line = line
        super().__init__(message)


@dataclass
class HeaderEntry:
    key: str  # as written, e.g. "Deadline"
    value: str
    line: int  # 1-based


def read_header(path):
    """Return {lower-case key: HeaderEntry} for the header of the Markdown file at `path`."""
    text = Path(path).read_text(encoding="utf-8-sig")
    return parse_header(text)


def front_matter(metadata, body):
    """The file text for `metadata` ({key: text or list}) and `body`: YAML between --- lines, a blank line, the body.

    Values stay text (YAML quotes those it would read as dates or numbers), so the
    build sees what the communicator wrote; lists are written as the editor writes them.
    """
    header = yaml.safe_dump(dict(metadata), allow_unicode=True, sort_keys=False, width=10_000)
    return f"{FENCE}\n{header}{FENCE}\n\n{body.lstrip(chr(10))}"


def has_front_matter(text):
    """True when `text` opens with a YAML front matter block."""
    return _FRONT_MATTER.match(text) is not None


def parse_header(text):
    """Parse the header of `text` in either format; raise FrontMatterInvalid for broken YAML."""
    found = _FRONT_MATTER.match(text)
    if found:
        first_line = text.count("\n", 0, found.start("metadata")) + 1
        return parse_front_matter(found.group("metadata"), first_line)
    return parse_key_value_header(text)


def parse_front_matter(block, first_line):
    """{lower-case key: HeaderEntry} from a YAML block whose first line is line `first_line` of the file."""
    try:
        node, data = _node_and_data(block)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = first_line + (mark.line if mark else 0)
        raise FrontMatterInvalid(line, str(getattr(error, "problem", None) or error)) from None
    if node is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterInvalid(first_line + node.start_mark.line, "not a list of Key: value lines")
    entries = {}
    for key_node, _value_node in node.value:
        key = str(key_node.value)
        line = first_line + key_node.start_mark.line
        value = data.get(key_node.value)
        if not _is_flat(value):
            raise FrontMatterInvalid(line, f"{key}: the value must be text or a list of texts")
        entries.setdefault(key.lower(), HeaderEntry(key, _as_text(value), line))
    return entries


def _node_and_data(block):
    """The YAML node tree (it knows the lines) and the values, from one libyaml parse."""
    loader = FAST_SAFE_LOADER(block)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _is_flat(value):
    """True for a scalar or a list of scalars (no nesting, so no self-referencing aliases)."""
    scalar = lambda item: not isinstance(item, (list, dict, set))  # noqa: E731
    return scalar(value) or (isinstance(value, list) and all(scalar(item) for item in value))


def _as_text(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_as_text(item) for item in value)
    if isinstance(value, date):
        return value.isoformat(sep=" ", timespec="minutes") if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def parse_key_value_header(text):
    """Parse `Key: value` header lines; the first occurrence of a repeated key wins its line."""
    return split_key_value_header(text)[0]


def split_key_value_header(text):
    """Return ({lower-case key: HeaderEntry}, body text after the header and its blank line)."""
    entries = {}
    last = None
    lines = text.splitlines(keepends=True)
    body_from = len(lines)
    for index, line in enumerate(lines):
        number = index + 1
        if not line.strip():
            body_from = index + 1
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
        body_from = index
        break
    return entries, "".join(lines[body_from:])
