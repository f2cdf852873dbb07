"""`build.py serve`: the live preview of the site on http://127.0.0.1:<port>.

The outer shell around the engine. Data flows one way:
watcher (preview.watch) → PreviewSession → IncrementalSite (preview.engine)
→ its writer → ReloadBroadcaster (preview.livereload) → browsers.

One process serves output/ (plus the form service, via the app it is given),
keeps an IncrementalSite warm, and reacts to saved files:

- content/: `IncrementalSite.update()` with the saved paths, then live reload;
- theme/, plugins/, the settings file: a new IncrementalSite (full render);
- handbook/: mkdocs in the background.

The pagefind index cannot be updated incrementally, so it is rebuilt in the
background after the pages are (it does not hold up the reload). Background
jobs run at a lower priority, so page updates win the CPU.
"""

import os
import shutil
import sys
import threading
import time
import traceback
from pathlib import Path

from preview.engine import IncrementalSite
from preview.livereload import LiveReloadMiddleware, ReloadBroadcaster
from preview.pelican_adapter import PelicanReportedErrors, load_settings
from preview.watch import WATCHED, start_collector, watch

# How much nicer than the preview itself background jobs run (0 = same).
BACKGROUND_NICENESS = 10


def log(message):
    print(f"[preview] {message}", flush=True)


class PreviewSession:
    """Keeps one output folder up to date with a repo's sources."""

    def __init__(self, root, output_dir, config_name="pelicanconf.py", build_handbook=None,
                 build_search_index=None, broadcaster=None):
        self.root = Path(root)
        self.output_dir = Path(output_dir)
        self.config = self.root / config_name
        self.content_dir = self.root / "content"
        self.broadcaster = broadcaster or ReloadBroadcaster()
        # A rebuilt handbook reloads the browser like a page update (it may be open there).
        self.handbook = (BackgroundTask("handbook", lambda: build_handbook(self.output_dir), log,
                                        on_done=self.broadcaster.notify) if build_handbook else None)
        self.search = BackgroundTask("search index", lambda: fresh_search_index(build_search_index, self.output_dir), log) if build_search_index else None
        self.site = None
        self.last_report = None

    def start(self):
        """First build (full render into the output folder), then handbook and search in the background."""
        ok = self._new_site()
        if self.handbook:
            self.handbook.request()
        return ok

    def handle(self, changes):
        """Rebuild for a batch of saved paths (absolute); return True if the output changed."""
        roots = {self._area(path) for path in changes}
        if "handbook" in roots and self.handbook:
            self.handbook.request()
        if roots & {"theme", "plugins", "settings"}:
            if "plugins" in roots:
                log("plugins/ changed: restart `build.py serve` to load new plugin code")
            return self._new_site()
        content_changes = [path for path in changes if self._area(path) == "content"]
        if not content_changes:
            return "handbook" in roots
        return self._run(lambda: self.site.update(content_changes) if self.site else None)

    def knows(self, path):
        """True if `path` (which may be gone) was a source of the last build, or there is none to go by."""
        return self.site is not None and self.site.knows(path)

    def _new_site(self):
        def first_build():
            # At start-up the output folder may hold anything, so it is emptied
            # (after the content validated). A restart (theme, settings) keeps
            # serving the old pages while the new engine re-renders them all,
            # then removes those it no longer produces.
            previous = self.site.outputs if self.site is not None else None
            site = IncrementalSite(load_settings(self.config, self.content_dir, self.output_dir),
                                   clean_first=previous is None, keep=("handbok", "pagefind"),
                                   on_page_written=self._page_written, previous_outputs=previous or ())
            report = site.build()
            self.site = site
            return report

        return self._run(first_build)

    def _run(self, rebuild):
        started = time.perf_counter()
        try:
            report = rebuild()
        except Exception as error:  # keep serving the last good output whatever went wrong
            self._print_failure(error)
            return False
        if report is None:
            return self._new_site()
        self.last_report = report
        kind = "page update" if report.fast else "rebuild"
        log(f"{kind}: {len(report.rendered)} written, {report.skipped} unchanged, "
            f"{len(report.deleted)} removed in {time.perf_counter() - started:.2f} s")
        self.broadcaster.notify()
        if self.search:
            self.search.request()
        return True

    def _page_written(self, path):
        self.broadcaster.page_written(url_of(path, self.output_dir))

    @staticmethod
    def _print_failure(error):
        errors = getattr(error, "errors", None)
        if errors:  # ContentInvalid: one `path:line: message` per problem, like the full build
            for item in errors:
                print(item, file=sys.stderr, flush=True)
            print(f"{len(errors)} fel i innehållet – förhandsvisningen visar den senaste fungerande versionen.",
                  file=sys.stderr, flush=True)
        elif isinstance(error, PelicanReportedErrors):
            print(error, file=sys.stderr, flush=True)
        else:
            traceback.print_exception(error, file=sys.stderr)
        log("rebuild failed: still serving the last good output")

    def _area(self, path):
        try:
            relative = Path(path).resolve().relative_to(self.root.resolve())
        except ValueError:
            return "other"
        if relative == Path(self.config.name):
            return "settings"
        return relative.parts[0] if relative.parts and relative.parts[0] in WATCHED else "other"


def url_of(path, output_dir):
    """The URL path a browser uses for an output file: folders for index.html."""
    relative = Path(path).relative_to(output_dir).as_posix()
    if relative == "index.html" or relative.endswith("/index.html"):
        relative = relative[: -len("index.html")]
    return "/" + relative


def fresh_search_index(build_search_index, output_dir):
    """Re-index from scratch: pagefind never removes the files of an older index,
    and a full build has none of them. Search is missing for the seconds it runs."""
    index = Path(output_dir) / "pagefind"
    old = Path(output_dir) / ".pagefind-old"
    shutil.rmtree(old, ignore_errors=True)
    if index.exists():
        os.replace(index, old)
    try:
        build_search_index(output_dir)
    finally:
        if not index.exists() and old.exists():
            os.replace(old, index)  # indexing failed: keep the previous index
        shutil.rmtree(old, ignore_errors=True)


def serve(port, root=None, output_dir=None):
    """Build, then serve the live preview on 127.0.0.1:`port` until Ctrl+C.

    The same steps `build.py build` runs: handbook, search index and the site app come from sitebuild.
    """
    from werkzeug.serving import run_simple

    from sitebuild.editor import local_editor
    from sitebuild.handbook import build_handbook
    from sitebuild.paths import OUTPUT, ROOT
    from sitebuild.search import build_search_index
    from sitebuild.site_app import make_app

    root = Path(root or ROOT)
    output_dir = Path(output_dir or OUTPUT)
    session = PreviewSession(root, output_dir, build_handbook=build_handbook, build_search_index=build_search_index)
    collector = start_collector(session)
    if not session.start():
        log("first build failed: serving the last good output, if any")
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(session, stop, collector), daemon=True)
    watcher.start()
    try:
        with local_editor(make_app) as make_site_app:
            app = LiveReloadMiddleware(make_site_app(output_dir), session.broadcaster)
            log(f"serving http://127.0.0.1:{port}/ with live reload (Ctrl+C stops)")
            run_simple("127.0.0.1", port, app, threaded=True, use_reloader=False)
    finally:
        stop.set()
        session.broadcaster.close()
        watcher.join(timeout=5)


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
