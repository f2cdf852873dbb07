"""Fixtures for the reliability tests: a temporary data folder with its
environment, and a factory for real gunicorn services that are always killed
when the test ends."""

import pytest

from tests.reliability.reliability_harness import FormService, service_environment


@pytest.fixture
def service_env(tmp_path, database):
    """Environment for one test's formsvc processes (relay thread off), on
    PostgreSQL when the module is marked both_databases."""
    return service_environment(tmp_path / "data", FORMSVC_DATABASE_URL=database)


@pytest.fixture
def start_service():
    """Call with an environment to get a running FormService; every service
    started through it is killed at teardown, even when the test fails."""
    started = []

    def start(env, wait_until_healthy=True, **options):
        service = FormService(env, **options)
        started.append(service)
        return service.start(wait_until_healthy)

    yield start
    for service in started:
        service.stop()
