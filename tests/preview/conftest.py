"""Fixtures for the preview tests: a repo copy with extra synthetic posts and a warm engine.

The reference for "a preview equals a full build" is `build.py build` run in a
subprocess on the same repo copy, so nothing the engine keeps in memory can
leak into it.
"""

import threading
import time

import pytest

from tests.preview.preview_helpers import BUILD_NOW, SYNTHETIC_POSTS, copy_repo


@pytest.fixture
def site_copy(tmp_path, monkeypatch):
    """A repo copy with the real content plus synthetic posts, and SIM_BUILD_NOW fixed."""
    from tests.preview.synthetic_posts import write_synthetic_posts

    monkeypatch.setenv("SIM_BUILD_NOW", BUILD_NOW)
    repo_dir = copy_repo(tmp_path / "repo")
    write_synthetic_posts(repo_dir / "content", SYNTHETIC_POSTS)
    return repo_dir


@pytest.fixture
def engine(site_copy, tmp_path):
    """An IncrementalSite over `site_copy`, after its first (full) build into tmp/preview."""
    from preview.engine import IncrementalSite
    from preview.pelican_adapter import load_settings

    site = IncrementalSite(load_settings(site_copy / "pelicanconf.py", site_copy / "content", tmp_path / "preview"))
    site.build()
    return site


@pytest.fixture
def running_preview(site_copy, tmp_path):
    """A PreviewSession with watcher and HTTP server on a free loopback port; stopped afterwards."""
    from sitebuild.site_app import static_site_app as site_app  # the static app `build.py serve` uses
    from werkzeug.serving import make_server

    from preview.livereload import LiveReloadMiddleware
    from preview.server import PreviewSession
    from preview.watch import start_collector, watch

    session = PreviewSession(site_copy, tmp_path / "output")
    collector = start_collector(session)
    assert session.start()
    server = make_server("127.0.0.1", 0, LiveReloadMiddleware(site_app(session.output_dir), session.broadcaster), threaded=True)
    stop = threading.Event()
    threads = [threading.Thread(target=server.serve_forever, daemon=True),
               threading.Thread(target=watch, args=(session, stop, collector), daemon=True)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # let watchdog's observer settle before the test saves files
    yield session, f"http://127.0.0.1:{server.server_port}"
    stop.set()
    session.broadcaster.close()
    server.shutdown()
    for thread in threads:
        thread.join(timeout=5)
