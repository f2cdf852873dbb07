import pytest
from openpyxl import Workbook, load_workbook

from formsvc.cells import neutralise


@pytest.mark.parametrize("value", ["=1+2", "+46", "-2", "@SUM(A1)", "\t=1", "\r=1", "  =1", "\n=1"])
def test_formula_starts_get_an_apostrophe(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Verkstad AB", "070-123 45 67", "a=b", "1+1", "", "e-post@x.se"])
def test_ordinary_text_is_unchanged(value):
    assert neutralise(value) == value


def test_control_characters_are_dropped_so_openpyxl_accepts_the_text():
    value = "a\x00b\x07c\x1bd\ttab\nrad"
    cleaned = neutralise(value)
    assert cleaned == "abcd\ttab\nrad"
    Workbook().active["A1"] = cleaned  # would raise IllegalCharacterError before


def test_none_becomes_empty_text():
    assert neutralise(None) == ""


def test_xml_noncharacters_are_dropped_so_the_saved_workbook_loads_again(tmp_path):
    workbook = Workbook()
    workbook.active["A1"] = neutralise("a\uffffb\ufffe=1")
    workbook.save(tmp_path / "book.xlsx")
    assert load_workbook(tmp_path / "book.xlsx").active["A1"].value == "ab=1"
