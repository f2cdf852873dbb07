"""Make text from the public safe to put in a spreadsheet cell or CSV field.

Spreadsheet programs treat a cell that starts with = + - @ (and, on import,
tab or CR) as a formula. Such text gets a leading apostrophe so it stays text.
The check also looks past leading spaces: some importers trim them, which
would bring the formula character to the front again.

openpyxl refuses control characters that XML 1.0 cannot hold
(IllegalCharacterError), so those are dropped; tab, line feed and carriage
return are legal and kept inside the text.
"""

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ILLEGAL_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value):
    """Return `value` as text that no spreadsheet will evaluate."""
    text = ILLEGAL_CONTROL_CHARACTERS.sub("", "" if value is None else str(value))
    if text.lstrip(" \n").startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text
