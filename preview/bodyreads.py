"""Which posts' bodies each page read while it was rendered.

A body-only edit changes exactly one thing in the content model: the edited
object's HTML body, which templates reach through `Content.get_content` (the
`content` property and, without a Summary, the `summary` property go through
it). Rendering is deterministic, so a page that did not read that body the
last time it was rendered would come out the same: it need not be rendered.
Recording is per thread and only active inside `recording()`.
"""

import threading
from contextlib import contextmanager

from pelican.contents import Content

_state = threading.local()
_original_get_content = Content.__dict__["get_content"]  # Pelican's memoised method


def _recording_get_content(self, siteurl):
    reads = getattr(_state, "reads", None)
    if reads is not None:
        reads.add(self.source_path)
    return _original_get_content.__get__(self, type(self))(siteurl)


# Pelican's own code clears the memo through this attribute.
_recording_get_content.cache = _original_get_content.cache


def install():
    """Route Content.get_content through the recorder (idempotent, harmless when not recording)."""
    if Content.__dict__["get_content"] is not _recording_get_content:
        Content.get_content = _recording_get_content


def clear_memo():
    """Forget Pelican's memoised HTML bodies and summaries (a link target may have moved)."""
    _original_get_content.cache.clear()
    Content.get_summary.cache.clear()


@contextmanager
def recording():
    """Collect the source paths whose bodies are read inside the block into the yielded set."""
    reads = set()
    previous = getattr(_state, "reads", None)
    _state.reads = reads
    try:
        yield reads
    finally:
        _state.reads = previous
