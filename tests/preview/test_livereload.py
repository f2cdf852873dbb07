"""Live-reload pieces without a server: script injection and the event stream."""

import threading

from preview.livereload import SCRIPT_TAG, ReloadBroadcaster, inject_script


def test_script_goes_before_the_last_closing_body_tag():
    html = b"<html><body><pre>&lt;/body&gt; </body> i text</pre></BODY >\n</html>"
    injected = inject_script(html)
    assert injected.count(SCRIPT_TAG) == 1
    assert injected.index(SCRIPT_TAG) < injected.index(b"</BODY >")
    assert injected.replace(SCRIPT_TAG, b"") == html


def test_html_without_body_gets_the_script_appended():
    assert inject_script(b"<p>fragment") == b"<p>fragment" + SCRIPT_TAG


def test_stream_sends_changed_after_notify_and_stops_on_close():
    broadcaster = ReloadBroadcaster(keepalive_seconds=0.05)
    stream = broadcaster.stream()
    assert next(stream).startswith(b"retry:")
    threading.Timer(0.1, broadcaster.notify).start()
    messages = []
    for message in stream:
        messages.append(message)
        if message.startswith(b"event: changed"):
            break
    assert messages[-1] == b"event: changed\ndata: 1\n\n"
    assert any(message.startswith(b": keep-alive") for message in messages[:-1])
    broadcaster.close()
    assert list(stream) == []


def test_page_events_carry_the_running_build_and_precede_changed():
    broadcaster = ReloadBroadcaster(keepalive_seconds=5)
    stream = broadcaster.stream()
    next(stream)
    broadcaster.page_written("/nyheter/x/")
    broadcaster.notify()
    assert next(stream) == b"event: page\ndata: 1 /nyheter/x/\n\n"
    assert next(stream) == b"event: changed\ndata: 1\n\n"
    broadcaster.close()
