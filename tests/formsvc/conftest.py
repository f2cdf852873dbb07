"""Fixtures for the form service: an app on a temporary data folder with a
calls.json and site.json written here (one open, one upcoming, one closed call), relay
thread off and minimum fill time 0 unless a test says otherwise."""

import os

import pytest

from formsvc import create_app
from tests.formsvc.formsvc_helpers import write_calls, write_site_manifest
from tests.formsvc.graph_fake import graph  # noqa: F401  the fake Microsoft Graph, a fixture for the m365 tests


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def make_app(data_dir, database, monkeypatch):
    """Factory: create_app() from the environment, with test overrides; on
    PostgreSQL when the module is marked both_databases."""
    for name in list(os.environ):
        if name.startswith(("FORMSVC_", "SHEET_", "SIM_")) or name in ("SECRET_KEY", "CALLS_FILE"):
            monkeypatch.delenv(name)
    if database:
        monkeypatch.setenv("FORMSVC_DATABASE_URL", database)
    monkeypatch.setenv("FORMSVC_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CALLS_FILE", str(write_calls(data_dir / "calls.json")))
    write_site_manifest(data_dir / "site.json")  # found next to CALLS_FILE
    monkeypatch.setenv("FORMSVC_MIN_FILL_SECONDS", "0")
    monkeypatch.setenv("FORMSVC_RELAY_THREAD", "0")
    monkeypatch.setenv("FORMSVC_RATE_LIMIT", "1000 per minute")

    def make(**environment):
        for name, value in environment.items():
            monkeypatch.setenv(name, str(value))
        return create_app({"TESTING": True})

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()
