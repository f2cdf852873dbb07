"""Live reload for the preview: a Server-Sent Events endpoint and a tiny script.

The dev server adds `<script src="/__livereload.js"></script>` to HTML
responses as it serves them, so the files in output/ stay byte-identical to a
full build. The script listens on `/__livereload` and reloads the page when a
rebuild sends "changed".
"""

import re
import threading

from werkzeug.wrappers import Request, Response

SCRIPT_PATH = "/__livereload.js"
EVENTS_PATH = "/__livereload"
SCRIPT_TAG = f'<script src="{SCRIPT_PATH}"></script>'.encode()
# EventSource reconnects by itself (e.g. after the server restarts). URLs are
# compared without a trailing index.html, as the server maps folders to it.
SCRIPT = (
    "(function () {\n"
    "  if (!window.EventSource || !window.sessionStorage) { return; }\n"
    "  var key = 'sim-preview-reloaded-for';\n"
    "  var here = window.location.pathname.replace(/index\\.html$/, '');\n"
    f"  var source = new EventSource('{EVENTS_PATH}');\n"
    "  source.addEventListener('page', function (event) {\n"
    "    var parts = event.data.split(' ');\n"
    "    if (parts[1] === here) { sessionStorage.setItem(key, parts[0]); window.location.reload(); }\n"
    "  });\n"
    "  source.addEventListener('changed', function (event) {\n"
    "    if (sessionStorage.getItem(key) !== event.data) { window.location.reload(); }\n"
    "  });\n"
    "}());\n"
)
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


class ReloadBroadcaster:
    """Publishes reload events; every open event stream forwards those after it connected.

    Events: `page` (data "<build> <url>") as soon as one page of a running
    build is written, and `changed` (data "<build>") when the build is done.
    The script reloads on the first `page` event for its own URL, so the page
    being edited comes back before a long rebuild ends, and skips that
    build's `changed` event so it does not reload twice.
    """

    _KEEP = 1000  # events kept for streams that are behind

    def __init__(self, keepalive_seconds=15.0):
        self._events = []  # (sequence number, name, data)
        self._sequence = 0
        self._generation = 0  # finished builds announced
        self._condition = threading.Condition()
        self._closed = False
        self.keepalive_seconds = keepalive_seconds

    @property
    def generation(self):
        with self._condition:
            return self._generation

    def page_written(self, url):
        """Tell browsers showing `url` that it is up to date for the build in progress."""
        with self._condition:
            self._publish("page", f"{self._generation + 1} {url}")

    def notify(self):
        """Tell every connected browser that a build finished and the output changed."""
        with self._condition:
            self._generation += 1
            self._publish("changed", str(self._generation))

    def _publish(self, name, data):
        self._sequence += 1
        self._events.append((self._sequence, name, data))
        del self._events[: -self._KEEP]
        self._condition.notify_all()

    def close(self):
        """End all streams (server shutdown)."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def stream(self):
        """Yield SSE messages for events published after the call, comments as keep-alives."""
        with self._condition:
            seen = self._sequence
        yield b"retry: 1000\n\n"
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._closed or self._sequence != seen, self.keepalive_seconds)
                if self._closed:
                    return
                fresh = [event for event in self._events if event[0] > seen]
                seen = self._sequence
            if not fresh:
                yield b": keep-alive\n\n"
            for _, name, data in fresh:
                yield f"event: {name}\ndata: {data}\n\n".encode()


def inject_script(html):
    """Return `html` (bytes) with the live-reload script tag before </body> (appended if none)."""
    match = None
    for match in _BODY_END.finditer(html):
        pass
    if match is None:
        return html + SCRIPT_TAG
    return html[: match.start()] + SCRIPT_TAG + html[match.start():]


class LiveReloadMiddleware:
    """WSGI middleware: serves the script and event stream, and injects the tag into HTML."""

    def __init__(self, app, broadcaster):
        self.app = app
        self.broadcaster = broadcaster

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == SCRIPT_PATH:
            response = Response(SCRIPT, mimetype="text/javascript", headers={"Cache-Control": "no-store"})
            return response(environ, start_response)
        if path == EVENTS_PATH:
            response = Response(
                self.broadcaster.stream(), mimetype="text/event-stream",
                headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}, direct_passthrough=True,
            )
            return response(environ, start_response)
        response = Response.from_app(self.app, environ)
        # Only full HTML bodies (the 404 page too, so a new post's URL reloads
        # once it exists): a 304 has no body, and HEAD must not grow one.
        if response.status_code in (200, 404) and response.mimetype == "text/html" and Request(environ).method != "HEAD":
            response.set_data(inject_script(response.get_data()))
        return response(environ, start_response)
