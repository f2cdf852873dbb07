"""Property tests for the cell neutraliser in formsvc/cells.py: whatever the
public types, the result is never a formula and is otherwise the same text."""

import io
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from formsvc.cells import neutralise

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
APOSTROPHE = "'"
# Everything outside XML 1.0's Char production (the spec's list, written out
# independently of formsvc's own pattern): a workbook cannot hold these.
NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Text biased towards the interesting cases: trigger characters and the
# whitespace an importer might trim, mixed with any other character.
trigger_heavy_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(TRIGGERS + (" ", "\n", "'", '"', "\x00", "\x0b", "\x1f")),
        st.sampled_from(("\ufffe", "\uffff", "\ud800", "\udfff")),
        st.characters(exclude_categories=()),
    ),
    max_size=40,
)


def storable(text):
    """The input as a workbook can keep it."""
    return NOT_XML_CHAR.sub("", text)


@given(trigger_heavy_text)
@example(" =1+1")
@example("\t=cmd")
@example("\r\n@SUM(A1)")
@example("'=1+1")
@example("\x00=1+1")
def test_result_never_starts_like_a_formula(text):
    result = neutralise(text)
    assert not result.startswith(TRIGGERS)
    # Also after the leading spaces and newlines some importers trim.
    assert not result.lstrip(" \n").startswith(TRIGGERS)


@given(trigger_heavy_text)
@example("-")
@example("a=b")
@example("'kept as is")
def test_text_is_kept_apart_from_the_prefix_and_unstorable_characters(text):
    result = neutralise(text)
    kept = storable(text)
    if result == kept:
        assert not kept.lstrip(" \n").startswith(TRIGGERS)
    else:
        assert result == APOSTROPHE + kept, "the text changed beyond the neutralising prefix"


@settings(deadline=None)
@given(trigger_heavy_text)
@example("=HYPERLINK(\"http://evil.example\")")
@example("@cmd")
def test_workbook_round_trip_never_gives_a_formula(text):
    result = neutralise(text)
    (value, data_type), = _round_trip([result])
    assert data_type != "f"
    assert value == (_as_xml_reads_it(result) or None)


def test_neutralise_accepts_none_and_numbers():
    assert neutralise(None) == ""
    assert neutralise(-5) == "'-5"


@pytest.mark.parametrize("text", ["a\uffffb", "\ufffe=1+1", "lone \ud800 surrogate"])
def test_xml_illegal_characters_do_not_break_the_workbook(text):
    """openpyxl saves these without complaint into a file that no longer loads."""
    (value, data_type), = _round_trip([neutralise(text)])
    assert data_type == "s" and value == _as_xml_reads_it(neutralise(text))


def _as_xml_reads_it(text):
    """XML parsers turn CR and CR LF in text into LF; openpyxl writes CR raw,
    so that is what any reader of the workbook gets back."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _round_trip(values):
    """Write values to column A of a real workbook, load it again and return
    (value, data_type) per cell."""
    workbook = Workbook()
    for row, value in enumerate(values, start=1):
        workbook.active.cell(row=row, column=1, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    sheet = load_workbook(buffer).active
    return [(cell.value, cell.data_type) for (cell,) in sheet.iter_rows(max_col=1, max_row=len(values))]
