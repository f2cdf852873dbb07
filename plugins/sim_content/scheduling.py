"""Scheduled publishing: content whose Date lies after the build's "now" waits.

A news post (or a call or page with an explicit Date) dated in the future is
treated like a draft: publish builds do not write it, and no build lists it,
feeds it, puts it in the sitemap, the search index, calls.json or calls.ics.
Local and preview builds still render it under /utkast/ with a "Schemalagd"
notice, so the communicator can check it. The first build after its moment
publishes it, which is why production rebuilds on a timer (handbook: Drift).
"Now" is the build's clock, SIM_BUILD_NOW in tests (timeutil.build_now).
"""


def hold_back_scheduled(content):
    """content_object_init receiver: mark future-dated published content as a scheduled draft."""
    now = content.settings.get("SIM_NOW")
    if now is None or "date" not in content.metadata or getattr(content, "status", "") != "published":
        return
    if content.date <= now:
        return
    content.status = "draft"
    content.scheduled = True
