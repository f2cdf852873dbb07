"""Make text from the public safe to put in a spreadsheet cell or CSV field.

Spreadsheet programs treat a cell that starts with = + - @ (and, on import,
tab or CR) as a formula. Such text gets a leading apostrophe so it stays text.
The check also looks past leading spaces: some importers trim them, which
would bring the formula character to the front again.

Characters outside XML 1.0's Char production are dropped: openpyxl refuses
the C0 controls (IllegalCharacterError) and, worse, saves the noncharacters
U+FFFE/U+FFFF and lone surrogates into a workbook that then no longer loads.
Tab, line feed and carriage return are legal and kept inside the text.
"""

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NOT_XML_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def neutralise(value):
    """Return `value` as text that no spreadsheet will evaluate."""
    text = NOT_XML_CHARACTERS.sub("", "" if value is None else str(value))
    if text.lstrip(" \n").startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text
