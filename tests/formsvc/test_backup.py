"""A backup taken while sign-ups arrive restores into a working service."""

import shutil
import threading

import pytest

from formsvc import backup
from tests.formsvc.formsvc_helpers import stored_references, submit


def test_backup_during_signups_restores_into_a_service_that_finds_them(make_app, tmp_path, data_dir):
    app = make_app()
    for _ in range(5):
        submit(app.test_client())
    before = set(stored_references(app))

    def keep_signing_up():  # the service keeps working during the backup
        client = app.test_client()
        for _ in range(5):
            submit(client)

    writer = threading.Thread(target=keep_signing_up)
    writer.start()
    copy = backup.backup_database(app.config["DATABASE"], tmp_path / "backups")
    writer.join()
    assert copy.stat().st_mode & 0o777 == 0o600 and not list(copy.parent.glob("*.partial"))
    assert backup.describe(copy).endswith("outbox entries")

    # Restore: a fresh data folder holding only the backup as its database.
    restored_dir = tmp_path / "restored"
    restored_dir.mkdir()
    shutil.copy(copy, restored_dir / "formsvc.sqlite3")
    restored = make_app(FORMSVC_DATA_DIR=restored_dir)
    restored_references = set(stored_references(restored))
    assert before <= restored_references <= set(stored_references(app))
    client = restored.test_client()
    reference = sorted(before)[0]
    assert reference in client.get(f"/anmalan/tack/{reference}/").get_data(as_text=True)
    assert submit(client).status_code == 303


def test_backup_command_names_a_missing_database(make_app, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FORMSVC_DATA_DIR", str(tmp_path / "empty"))
    try:
        backup.main([str(tmp_path / "backups")])
    except SystemExit as stop:
        assert "formsvc.sqlite3: no database here" in str(stop.code)
    else:
        raise AssertionError("a missing database must stop the command")


def test_backup_command_points_to_pg_dump_when_postgres_is_configured(make_app, monkeypatch, tmp_path):
    make_app()
    monkeypatch.setenv("FORMSVC_DATABASE_URL", "postgresql://formsvc@db.example.se/formsvc")
    with pytest.raises(SystemExit) as stop:
        backup.main([str(tmp_path / "backups")])
    assert "pg_dump" in str(stop.value.code) and not (tmp_path / "backups").exists()
