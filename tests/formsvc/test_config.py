import stat

import pytest

from formsvc import config


def test_defaults_without_environment(tmp_path):
    settings = config.load({"FORMSVC_REPO_DIR": str(tmp_path)})
    assert settings["DATA_DIR"] == tmp_path / "var"
    assert settings["SHEET_PATH"] == tmp_path / "var" / "anmalningar.xlsx"
    assert settings["CALLS_FILE"] == tmp_path / "output" / "calls.json"
    assert settings["RATE_LIMIT"] == "10 per minute" and settings["RATELIMIT_ENABLED"]
    assert settings["MIN_FILL_SECONDS"] == 3 and settings["MAX_ATTEMPTS"] == 8
    assert settings["RELAY_INTERVAL"] == 5 and settings["RELAY_THREAD"]
    assert settings["SESSION_COOKIE_SECURE"] and settings["MAX_CONTENT_LENGTH"] == 64 * 1024


def test_secret_key_is_generated_once_private_and_reused(tmp_path):
    environment = {"FORMSVC_DATA_DIR": str(tmp_path)}
    first = config.load(environment)["SECRET_KEY"]
    assert len(first) == 64
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert config.load(environment)["SECRET_KEY"] == first
    assert config.load(dict(environment, SECRET_KEY="from-env"))["SECRET_KEY"] == "from-env"
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_environment_overrides(tmp_path):
    settings = config.load({
        "FORMSVC_DATA_DIR": str(tmp_path), "SECRET_KEY": "k", "FORMSVC_RATE_LIMIT": "off",
        "FORMSVC_SECURE_COOKIES": "0", "FORMSVC_RELAY_THREAD": "0", "SHEET_BACKEND": "None",
        "FORMSVC_MAX_ATTEMPTS": "3", "FORMSVC_TRUSTED_PROXIES": "0",
    })
    assert not settings["RATELIMIT_ENABLED"] and not settings["SESSION_COOKIE_SECURE"]
    assert not settings["RELAY_THREAD"] and settings["SHEET_BACKEND"] == "none"
    assert settings["MAX_ATTEMPTS"] == 3 and settings["TRUSTED_PROXIES"] == 0


def test_sqlite_sync_mode_is_checked_at_start(make_app):
    with pytest.raises(ValueError, match="FORMSVC_SQLITE_SYNC"):
        make_app(FORMSVC_SQLITE_SYNC="OFF")
    app = make_app(FORMSVC_SQLITE_SYNC="normal")
    with app.app_context():
        from formsvc.db import get_db
        assert get_db().execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
