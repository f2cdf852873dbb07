"""What the reliability tests read back: the staff workbook (with openpyxl)
and formsvc's tables (through formsvc.db, so on SQLite or PostgreSQL as the
service's environment says), plus the relay-until-done step most tests end with."""

from collections import Counter
from pathlib import Path

from openpyxl import load_workbook

from formsvc import db
from tests.reliability.reliability_harness import run_relay


def workbook_references(sheet_path):
    """Every value of the Referens column below the header (loads the file,
    so a corrupt workbook fails here)."""
    workbook = load_workbook(sheet_path)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    column = header.index("Referens") + 1
    return [
        row[0] for row in sheet.iter_rows(min_row=2, min_col=column, max_col=column, values_only=True)
        if row[0] is not None
    ]


def workbook_rows(sheet_path):
    """Rows as {header: cell} dicts, cells kept so tests can check data_type."""
    sheet = load_workbook(sheet_path).active
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2)]


def database_path(env):
    return Path(env["FORMSVC_DATA_DIR"]) / "formsvc.sqlite3"


def query(env, sql, parameters=()):
    """Rows as tuples from the database the service with this environment uses."""
    config = {"DATABASE": database_path(env), "DATABASE_URL": env.get("FORMSVC_DATABASE_URL", "")}
    with db.connection(config) as connection:
        return [tuple(row) for row in connection.execute(sql, parameters).fetchall()]


# The two formsvc tables these tests read; names follow formsvc/db.py.
SUBMISSIONS_TABLE = "submissions"
OUTBOX_TABLE = "outbox"


def submission_references(env):
    return [row[0] for row in query(env, f"SELECT reference FROM {SUBMISSIONS_TABLE}")]


def outbox_states(env):
    """{state: count} over the whole outbox."""
    return dict(query(env, f"SELECT state, COUNT(*) FROM {OUTBOX_TABLE} GROUP BY state"))


def relay_until_settled(env, passes=6):
    """Run one-pass CLI relays until nothing is pending (bounded); returns the
    last outbox state counts."""
    states = outbox_states(env)
    for _ in range(passes):
        if not states.get("pending"):
            break
        result = run_relay(env)
        assert result.returncode == 0, result.stdout + result.stderr
        states = outbox_states(env)
    return states


def assert_each_delivered_once(env, references):
    """Relay what is left, then: every outbox row done, and the workbook holds
    exactly these references, each once."""
    assert relay_until_settled(env) == {"done": len(references)}
    in_sheet = Counter(workbook_references(env["SHEET_PATH"]))
    assert in_sheet == Counter(references), "rows duplicated or lost"
