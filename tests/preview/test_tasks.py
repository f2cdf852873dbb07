"""Background jobs: requests during a run coalesce into one more run; failures are logged."""

import threading

from preview.server import BackgroundTask


def test_requests_during_a_run_coalesce_into_one_more_run():
    started, release = threading.Event(), threading.Event()
    calls = []

    def job():
        calls.append(1)
        started.set()
        release.wait(5)

    task = BackgroundTask("test", job, log=lambda message: None)
    task.request()
    assert started.wait(5)
    for _ in range(5):
        task.request()
    release.set()
    assert task.wait_idle(timeout=10)
    assert len(calls) == 2
    assert task.runs == 2


def test_a_failing_job_is_logged_and_the_task_keeps_working():
    messages = []
    outcomes = iter([RuntimeError("pagefind saknas"), None])

    def job():
        outcome = next(outcomes)
        if outcome:
            raise outcome

    task = BackgroundTask("search index", job, log=messages.append)
    task.request()
    assert task.wait_idle(timeout=10)
    task.request()
    assert task.wait_idle(timeout=10)
    assert messages[0] == "search index failed: pagefind saknas"
    assert task.runs == 1
