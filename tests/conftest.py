"""Fixtures shared by every test folder."""

import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# CI sets SIM_REQUIRE_BROWSER=1: there a missing Chromium or Java is a failure,
# never a quiet skip. Read once at start, before fixtures clean the environment.
TOOLS_REQUIRED = os.environ.get("SIM_REQUIRE_BROWSER") == "1"
# Without the background-networking flags Chromium keeps dialling Google's
# hosts, which this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


def require_tool(path_or_name, what):
    """Skip when a system tool is missing, or fail when CI says it must exist."""
    found = Path(path_or_name).exists() if "/" in path_or_name else shutil.which(path_or_name)
    if found:
        return
    message = f"{what} not installed ({path_or_name}); `bash tests/run.sh` as root installs it"
    stop_test = pytest.fail if TOOLS_REQUIRED else pytest.skip
    stop_test(message)


def stop_process(process, grace_seconds=10):
    """Ask a server we started to stop; kill it if it does not within the grace period."""
    process.terminate()
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=grace_seconds)


def pytest_generate_tests(metafunc):
    """Tests in a module marked `both_databases` that use the `database`
    fixture run once on SQLite and once on PostgreSQL (never copied)."""
    if "database" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_databases"):
        metafunc.parametrize("database", ["sqlite", "postgres"], indirect=True)


@pytest.fixture(scope="session")
def postgres_cluster():
    """One throwaway PostgreSQL server for the run; under CI=true a missing
    PostgreSQL fails the tests that need it instead of skipping them."""
    from tests.formsvc.postgres_cluster import PostgresCluster, require_postgres

    require_postgres()
    cluster = PostgresCluster().start()
    yield cluster
    cluster.destroy()


@contextmanager
def _database_of_kind(kind, request):
    """'' for the embedded SQLite default, or the URL of a fresh, empty
    PostgreSQL database, dropped afterwards."""
    if kind == "sqlite":
        yield ""
        return
    from formsvc import db

    cluster = request.getfixturevalue("postgres_cluster")
    name = cluster.create_database()
    try:
        yield cluster.url(name)
    finally:
        db.close_all()
        cluster.drop_database(name)


@pytest.fixture
def database(request):
    """SQLite ('') unless parametrised with 'postgres' (see both_databases)."""
    with _database_of_kind(getattr(request, "param", "sqlite"), request) as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def module_database(request):
    """For a service shared by a whole module: the module runs once per backend."""
    with _database_of_kind(request.param, request) as url:
        yield url


@pytest.fixture(scope="session")
def repo():
    return REPO


@pytest.fixture(scope="session")
def chromium_path():
    require_tool(CHROMIUM, "Chromium")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for the whole run: Playwright's sync API allows one driver per process."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
