"""Helpers the formsvc tests share: calls.json writer, form filling, database
and workbook readers (a module, so tests import them as tests.formsvc.formsvc_helpers)."""


import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from formsvc import db, fields, relay

REPO = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).with_name("flask")
STOCKHOLM = ZoneInfo("Europe/Stockholm")
OPEN_CALL = "oppen-utlysning"
UPCOMING_CALL = "kommande-utlysning"
CLOSED_CALL = "stangd-utlysning"


def write_calls(path, now=None):
    now = (now or datetime.now(STOCKHOLM)).replace(microsecond=0)
    windows = {
        OPEN_CALL: (now - timedelta(days=2), now + timedelta(days=20)),
        UPCOMING_CALL: (now + timedelta(days=5), now + timedelta(days=40)),
        CLOSED_CALL: (now - timedelta(days=60), now - timedelta(days=1)),
    }
    calls = [
        {
            "slug": slug,
            "title": f"Utlysning {slug}",
            "area": "Finansiering",
            "audience": "Tillverkande företag",
            "summary": "Test.",
            "opens": opens.isoformat(),
            "deadline": deadline.isoformat(),
            "url": f"/utlysningar/{slug}/",
            "signup_url": f"/anmalan/{slug}/",
        }
        for slug, (opens, deadline) in windows.items()
    ]
    path.write_text(json.dumps({"generated": now.isoformat(), "calls": calls}), encoding="utf-8")
    return path


def write_site_manifest(path, **changes):
    """Write the site.json a local build of this repo would write (made by the
    site's own manifest code, so the two cannot disagree), with `changes` on top."""
    document = dict(json.loads(_built_manifest()), **changes)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


@lru_cache(maxsize=1)
def _built_manifest():
    from sim_content.manifest import checkout_manifest

    return checkout_manifest(REPO / "pelicanconf.py").decode("utf-8")


def form_tokens(client, path="/anmalan/"):
    """GET the form and return its hidden fields (csrf_token, started, call)."""
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return {
        name: value
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)
    }


def valid_answers(**overrides):
    answers = {
        "company": "Verkstad i Krokom AB",
        "org_number": "556036-0793",
        "municipality": "Krokom",
        "employees": "10–49",
        "industry": "Tillverkning och industri",
        "contact_name": "Anna Andersson",
        "role": "Vd",
        "email": "anna@example.se",
        "phone": "070-123 45 67",
        "areas": ["Finansiering", "Internationalisering"],
        "message": "Vi vill automatisera svetsningen.",
        "consent": "y",
        "website": "",
    }
    answers.update(overrides)
    return answers


def stored_signup(reference, call_title=None, **changes):
    """A submissions row as the store keeps it (valid answers, `changes` on top)."""
    answers = valid_answers(**changes)
    row = {"reference": reference, "received_at": "2026-11-25T11:00:00+00:00", "call_slug": None,
           "call_title": call_title}
    row.update((field.name, field.column_value(answers[field.name])) for field in fields.FIELDS)
    return row


def submit(client, path="/anmalan/", **overrides):
    """GET then POST a filled-in form; returns the POST response."""
    data = form_tokens(client, path)
    data.update(valid_answers(**overrides))
    data = {name: value for name, value in data.items() if value is not None}
    return client.post(path, data=data)


def query(app, sql, parameters=()):
    """Rows as tuples, from whichever database the app uses."""
    with db.connection(app.config) as connection:
        return [tuple(row) for row in connection.execute(sql, parameters).fetchall()]


def stored_references(app):
    return [row[0] for row in query(app, "SELECT reference FROM submissions ORDER BY received_at, reference")]


def run_relay_process(fault=None):
    """`flask --app formsvc relay` in a process of its own, as an operator runs it; with
    `fault` (relay.FAULT_*) it dies at that point, the way a killed relay does."""
    environment = dict(os.environ, FORMSVC_FAULT=fault) if fault else os.environ
    return subprocess.run([FLASK, "--app", "formsvc", "relay"], env=environment,
                          capture_output=True, text=True, timeout=120)


def deliver_all(app):
    return relay.run_pass(dict(app.config), due_only=False)


def sheet_rows(path):
    """[{header: cell}] below the header row of the first worksheet."""
    sheet = load_workbook(path).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    return [dict(zip(headers, row)) for row in sheet.iter_rows(min_row=2) if any(c.value for c in row)]
