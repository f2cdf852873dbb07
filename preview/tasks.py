"""Slow jobs (pagefind, mkdocs) run in the background, coalescing requests."""

import os
import threading
import time

# How much nicer than the preview itself background jobs run (0 = same).
BACKGROUND_NICENESS = 10


class BackgroundTask:
    """Runs `job` in a thread whenever requested; requests during a run cause one more run."""

    def __init__(self, name, job, log, on_done=None):
        self.name = name
        self._job = job
        self._log = log
        self._on_done = on_done  # called after each successful run
        self._lock = threading.Lock()
        self._pending = False
        self._running = False
        self.runs = 0

    def request(self):
        """Ask for a run; returns at once."""
        with self._lock:
            self._pending = True
            if self._running:
                return
            self._running = True
        threading.Thread(target=self._loop, name=f"preview-{self.name}", daemon=True).start()

    def wait_idle(self, timeout):
        """Block until no run is pending or running (tests and benchmarks); True if idle."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._running and not self._pending:
                    return True
            time.sleep(0.05)
        return False

    def _loop(self):
        _lower_this_threads_priority()
        while True:
            with self._lock:
                if not self._pending:
                    self._running = False
                    return
                self._pending = False
            started = time.perf_counter()
            try:
                self._job()
            except Exception as error:  # a failed index must not stop the preview
                self._log(f"{self.name} failed: {error}")
            else:
                self.runs += 1
                self._log(f"{self.name} updated in {time.perf_counter() - started:.1f} s")
                if self._on_done is not None:
                    self._on_done()


def _lower_this_threads_priority():
    """Let page updates win the CPU over a running pagefind or mkdocs.

    On Linux a thread is its own scheduling entity and the programs it starts
    inherit its niceness, so only this thread and its children slow down.
    Elsewhere this does nothing.
    """
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)
    except (AttributeError, OSError):
        pass
