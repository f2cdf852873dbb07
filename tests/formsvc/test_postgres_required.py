"""Without PostgreSQL the PostgreSQL half of the tests skips, except under
CI=true, where it fails (tests/run.sh installs Debian's postgresql as root)."""

import pytest

from tests.formsvc import postgres_cluster


@pytest.fixture
def no_postgres(monkeypatch, tmp_path):
    monkeypatch.setattr(postgres_cluster, "POSTGRES_BIN", tmp_path / "no-postgres-here")


def test_missing_postgres_fails_under_ci(no_postgres):
    with pytest.raises(pytest.fail.Exception, match="bash tests/run.sh"):
        postgres_cluster.require_postgres({"CI": "true"})


def test_missing_postgres_skips_elsewhere(no_postgres):
    with pytest.raises(pytest.skip.Exception, match="postgresql"):
        postgres_cluster.require_postgres({})


def test_installed_postgres_is_found():
    assert postgres_cluster.postgres_missing() is None
