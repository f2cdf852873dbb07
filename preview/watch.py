"""Collect saved files under the watched folders into batches (watchdog) and hand them to a session."""

import os
import threading
import time
from pathlib import Path

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

QUIET_PERIOD = 0.05  # seconds without events before a batch of saves is built
# The folders (and the settings file) under a session's root whose saves matter.
WATCHED = ("content", "theme", "plugins", "handbook")
# Editors save through temporary and backup files that are not content.
_EDITOR_LITTER_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".part")


def is_editor_litter(path):
    name = os.path.basename(path)
    return name.startswith((".", "#")) or name.endswith(_EDITOR_LITTER_SUFFIXES) or name == "4913"


class _Handler(FileSystemEventHandler):
    def __init__(self, collector):
        self._collector = collector

    def on_any_event(self, event):
        if event.is_directory or event.event_type in ("opened", "closed_no_write"):
            return
        self._collector.add(event.src_path)
        if getattr(event, "dest_path", ""):
            self._collector.add(event.dest_path)


class ChangeCollector:
    """Watches folders (recursively) and single files under `root`; hands out batches of paths."""

    def __init__(self, root, names):
        self.root = Path(root)
        self.names = names
        self._paths = set()
        self._condition = threading.Condition()
        self._last_event = 0.0
        self._observer = Observer()

    def start(self):
        handler = _Handler(self)
        for name in self.names:
            path = self.root / name
            if path.is_dir():
                self._observer.schedule(handler, str(path), recursive=True)
        # Single files (the settings file) are watched through their folder.
        if any((self.root / name).is_file() for name in self.names):
            self._observer.schedule(_SingleFiles(self, {str(self.root / n) for n in self.names}), str(self.root), recursive=False)
        self._observer.start()

    def stop(self):
        self._observer.stop()
        self._observer.join(timeout=5)

    def add(self, path):
        if is_editor_litter(path):
            return
        with self._condition:
            self._paths.add(os.path.abspath(path))
            self._last_event = time.monotonic()
            self._condition.notify_all()

    def next_batch(self, quiet, timeout, is_known=lambda path: False):
        """Wait up to `timeout` for changes, then until `quiet` s pass without more; return the paths.

        Paths that no longer exist and were never content (an editor's
        temporary file, already renamed over the real one) are left out.
        """
        with self._condition:
            if not self._condition.wait_for(lambda: self._paths, timeout):
                return []
            while time.monotonic() - self._last_event < quiet:
                self._condition.wait(quiet)
            paths, self._paths = self._paths, set()
        return sorted(p for p in paths if os.path.exists(p) or is_known(p))


class _SingleFiles(_Handler):
    def __init__(self, collector, wanted):
        super().__init__(collector)
        self._wanted = wanted

    def on_any_event(self, event):
        if event.src_path in self._wanted or getattr(event, "dest_path", "") in self._wanted:
            super().on_any_event(event)


def start_collector(session):
    """Start watching the session's sources (before its first build, so no save is missed)."""
    collector = ChangeCollector(session.root, WATCHED + (session.config.name,))
    collector.start()
    return collector


def watch(session, stop, collector=None):
    """Feed batches of saved files to `session.handle` until `stop` is set (runs in its own thread)."""
    collector = collector or start_collector(session)
    try:
        while not stop.is_set():
            changes = collector.next_batch(QUIET_PERIOD, timeout=0.5, is_known=session.knows)
            if changes:
                session.handle(changes)
    finally:
        collector.stop()
