"""What the Sheets fake keeps: a grid per tab, A1 ranges into it, and what
Sheets stores for a value sent RAW or USER_ENTERED."""

import ast
import json
import operator
import re


class Sheet:
    def __init__(self, sheet_id, title, rows=1000, columns=26):
        self.sheet_id, self.title, self.row_count, self.column_count = sheet_id, title, rows, columns
        self.cells = []  # rows of (shown value, formula or None)

    def shown(self):
        return [[value for value, _formula in row] for row in self.cells]


def locate(text, sheets):
    """(sheet, (first row, first column, last row, last column)) with None for an open end."""
    title, bang, cells = text.rpartition("!")
    if not bang:  # a bare sheet title, or cells on the first sheet
        bare = text[1:-1].replace("''", "'") if text[:1] == text[-1:] == "'" and len(text) > 1 else text
        title, cells = (bare, "") if any(sheet.title == bare for sheet in sheets) else ("", text)
    if title.startswith("'") and title.endswith("'") and len(title) > 1:
        title = title[1:-1].replace("''", "'")
    match = re.fullmatch(r"([A-Z]*)(\d*)(?::([A-Z]*)(\d*))?", cells)
    if not match or (bang and not title):
        raise ValueError(f"Unable to parse range: {text}")
    try:
        sheet = next(sheet for sheet in sheets if sheet.title == title) if title else sheets[0]
    except StopIteration:
        raise ValueError(f"Unable to parse range: {text}") from None
    first_column, first_row = column_number(match[1]), int(match[2]) if match[2] else None
    if match[3] is None:  # one cell, or the whole sheet
        return sheet, (first_row, first_column, first_row, first_column)
    return sheet, (first_row, first_column, int(match[4]) if match[4] else None, column_number(match[3]))


def store_value(value, option):
    """(shown value, formula or None) as Sheets keeps a value sent with this input option."""
    if value is None:
        return "", None
    text = value if isinstance(value, str) else json.dumps(value)
    if option == "RAW" or text == "":
        return text, None
    if text.startswith("'"):
        return text[1:], None  # the apostrophe only marks text; Sheets does not keep it
    if text.startswith("="):
        return _evaluate(text[1:]), text
    if re.fullmatch(r"[+-]?\d+(?:[.,]\d+)?", text):
        return text.lstrip("+").replace(",", "."), None
    if text.startswith(("+", "-")):
        return "#ERROR!", f"={text}"  # parsed as a formula, which does not parse
    return text, None


_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _evaluate(expression):
    """Arithmetic formulas evaluate; anything else shows #NAME? as in Sheets."""
    def value(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](value(node.left), value(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            return value(node.operand) * (1 if isinstance(node.op, ast.UAdd) else -1)
        raise ValueError(expression)
    try:
        result = value(ast.parse(expression, mode="eval").body)
    except (SyntaxError, ValueError, ZeroDivisionError):
        return "#NAME?"
    return str(int(result)) if float(result).is_integer() else str(result)


def trim(row):
    row = list(row)
    while row and row[-1] == "":
        row.pop()
    return row


def column_number(letters):
    if not letters:
        return None
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number
