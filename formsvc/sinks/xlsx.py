"""The staff workbook (.xlsx): append by header name, never rewrite staff's work.

Every change happens under a file lock, on a fresh load of the workbook, and
is written to a temporary file that replaces the workbook in one rename, so
a crash leaves either the old or the new file, never half of one.
"""

import fcntl
import glob
import logging
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from openpyxl import Workbook, load_workbook

from ..cells import neutralise
from .base import HEADERS, REFERENCE_HEADER, SheetBusy, SheetError, plan_columns
from .workbook_layout import extend_filter_to, lay_out_new_sheet, write_cell

SHEET_TITLE = "Anmälningar"
NEW_WORKBOOK_MODE = 0o640
LOCK_FILE_MODE = 0o600

log = logging.getLogger(__name__)


class WorkbookInUse(SheetBusy):
    """Staff have the workbook open in an office program; `swedish` tells them what to do."""

    def __init__(self, path, evidence, evidence_sv):
        self.path, self.evidence_sv = Path(path), evidence_sv
        super().__init__(f"the workbook is open in an office program ({evidence})")

    @property
    def swedish(self):
        return (
            f"arbetsboken {self.path} är öppen i ett kalkylprogram ({self.evidence_sv}). "
            "Be den som har den öppen att spara och stänga den. Har ingen den öppen finns en låsfil kvar "
            "efter ett program som kraschade: ta bort den"
        )


class XlsxSink:
    def __init__(self, path, lock_timeout=10.0):
        self.path = Path(path)
        self.lock = FileLock(f"{self.path}.lock", timeout=lock_timeout, mode=LOCK_FILE_MODE)

    def deliver(self, row):
        self.deliver_many([row])

    def deliver_many(self, rows):
        """Append every row whose Referens is not in the sheet yet, with one load
        and one atomic save; return the references appended."""
        with self._locked():
            workbook = self._load_or_create()
            sheet = self._sheet(workbook)
            columns = self._columns(sheet, extend_with=HEADERS)
            present = self._references(sheet, columns)
            target_row = self._last_used_row(sheet)
            appended = []
            for row in rows:
                if row[REFERENCE_HEADER] in present:
                    continue  # an earlier attempt got this far: retry-safe
                target_row += 1
                for header, text in row.items():  # safe cell text from sheet_row()
                    if text:
                        write_cell(sheet, target_row, columns[header], header, text)
                present.add(row[REFERENCE_HEADER])
                appended.append(row[REFERENCE_HEADER])
            if appended:
                extend_filter_to(sheet, target_row)
                self._save(workbook)
            return appended

    def remove(self, references):
        wanted = set(references)
        if not wanted or not self.path.exists():
            return []
        with self._locked():
            workbook = self._load()
            sheet = self._sheet(workbook)
            column = self._columns(sheet).get(REFERENCE_HEADER)
            if column is None:
                return []
            doomed = [
                (index, cell.value)
                for index, (cell,) in enumerate(
                    sheet.iter_rows(min_row=2, min_col=column, max_col=column), start=2
                )
                if cell.value in wanted
            ]
            for index, _reference in reversed(doomed):
                sheet.delete_rows(index)
            if doomed:
                self._save(workbook)
            return [reference for _index, reference in doomed]

    def references_matching(self, header, value):
        if not self.path.exists():
            return []
        with self._locked():
            sheet = self._sheet(self._load())
        columns = self._columns(sheet)
        if header not in columns or REFERENCE_HEADER not in columns:
            return []
        # formsvc wrote "=x@example.se" as "'=x@example.se": match either spelling.
        wanted = {value.strip().casefold(), neutralise(value.strip()).casefold()}
        return [
            row[columns[REFERENCE_HEADER] - 1]
            for row in sheet.iter_rows(min_row=2, values_only=True)
            if str(row[columns[header] - 1] or "").strip().casefold() in wanted
        ]

    # -- helpers ---------------------------------------------------------

    @contextmanager
    def _locked(self):
        self._refuse_if_open_in_office()
        try:
            self.lock.acquire()
        except Timeout:
            raise SheetBusy(f"timed out waiting for {self.lock.lock_file}") from None
        try:
            self._remove_orphaned_temp_files()
            yield
        finally:
            self.lock.release()

    def _refuse_if_open_in_office(self):
        """Excel and LibreOffice save over the whole file when staff press save,
        which would undo rows appended meanwhile; wait while they have it open.

        What can be seen from here: the owner files both programs put next to
        the workbook (Excel `~$name`, LibreOffice `.~lock.name#`), and a POSIX
        lock on the file itself (LibreOffice on Linux; Samba maps a Windows
        client's byte-range locks to these). Excel's Windows share modes on a
        network drive are invisible to this server, which is why the owner
        file counts on its own.
        """
        for name in (f"~${self.path.name}", f".~lock.{self.path.name}#"):
            candidate = self.path.with_name(name)
            if candidate.exists():
                raise WorkbookInUse(self.path, candidate.name, f"låsfilen {candidate} finns")
        if self._locked_by_another_process():
            raise WorkbookInUse(self.path, "a file lock held by another process",
                                "ett annat program har låst filen")

    def _locked_by_another_process(self):
        try:
            descriptor = os.open(self.path, os.O_RDWR)
        except OSError:
            return False  # missing or unwritable: loading or saving reports that properly
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        else:
            fcntl.lockf(descriptor, fcntl.LOCK_UN)
            return False
        finally:
            os.close(descriptor)

    def _remove_orphaned_temp_files(self):
        """Every save runs under the lock we now hold, so any temp copy still
        here was left by a save that was killed: it holds personal data, remove it."""
        pattern = os.path.join(glob.escape(str(self.path.parent)), f".{glob.escape(self.path.name)}.*.tmp")
        for orphan in glob.glob(pattern):
            log.warning("removing %s, left behind by a save that was interrupted", orphan)
            Path(orphan).unlink(missing_ok=True)

    def _load(self):
        try:
            return load_workbook(self.path)
        except Exception as error:
            # Never replace a workbook we cannot read: it holds staff's work.
            log.error("staff workbook %s cannot be loaded: %s", self.path, error)
            raise SheetError(f"workbook {self.path} cannot be loaded ({type(error).__name__}); "
                             "restore or repair it, then requeue") from error

    def _load_or_create(self):
        if self.path.exists():
            return self._load()
        workbook = Workbook()
        workbook.active.title = SHEET_TITLE
        lay_out_new_sheet(workbook.active)
        return workbook

    @staticmethod
    def _sheet(workbook):
        return workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]

    @staticmethod
    def _columns(sheet, extend_with=()):
        """{header: column number} from row 1, adding missing known headers at the end."""
        columns, additions = plan_columns([cell.value for cell in sheet[1]], extend_with)
        for column, header in additions:
            sheet.cell(row=1, column=column, value=header)
        return columns

    @staticmethod
    def _last_used_row(sheet):
        """max_row counts rows staff only formatted; append below the last row with a value."""
        for index in range(sheet.max_row, 1, -1):
            if any(cell.value is not None for cell in sheet[index]):
                return index
        return 1

    @staticmethod
    def _references(sheet, columns):
        column = columns[REFERENCE_HEADER]
        return {
            value for (value,) in
            sheet.iter_rows(min_row=2, min_col=column, max_col=column, values_only=True)
        }

    def _save(self, workbook):
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        mode = self.path.stat().st_mode & 0o777 if self.path.exists() else NEW_WORKBOOK_MODE
        descriptor, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                workbook.save(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp_name, mode)
            os.replace(temp_name, self.path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

