"""gunicorn settings for the form service in production (and for the tests).

gunicorn reads this file by itself when started from the repository root;
deploy/formsvc.service and deploy/Containerfile name it explicitly:

    gunicorn -c gunicorn.conf.py

Why these choices:

* worker_class "gthread": a sync worker serves one connection at a time, so
  three clients sending a body one byte at a time held all three workers and
  every visitor waited for the 30 s worker timeout. A threaded worker has
  `threads` connections in flight per process; its main loop keeps
  accepting and only hands a connection to a thread once data has arrived,
  so a client that connects and says nothing holds no thread at all.
* A client that sends *some* data slowly still holds a thread, for at most
  FORMSVC_BODY_TIMEOUT seconds (formsvc/request_body.py answers 408), and
  slow header lines are bounded by the request-line/field limits below. With
  3 workers × 16 threads an attacker needs about fifty slow connections
  renewed every ten seconds to be felt; the reverse proxy in front
  (Caddy in deploy/) buffers bodies and caps connections per address.
* timeout: with gthread this is the worker's heartbeat, which the main loop
  keeps beating while threads wait on slow clients, so it only catches a
  worker that is truly stuck.
* graceful_timeout: on SIGTERM (an upgrade or restart) workers finish the
  sign-ups they are storing before they exit; a sign-up is acknowledged only
  after its commit, so nothing acknowledged is lost even on SIGKILL.
* keepalive 0: one request per connection. With keep-alive on, gunicorn
  27's threaded worker now and then closed a reused connection without
  answering (1–2 of ~65 back-to-back POSTs in tests/reliability's hostile
  campaign, also on code without this project's changes; gthread keep-alive
  races are a known class, gunicorn issues 1698, 2288, 3038). The proxy in front
  keeps the visitor's own connection alive; a new loopback connection per
  request costs well under a millisecond.
* umask 077: anything a library creates (logs, temp files) is private.
"""

import os

wsgi_app = "formsvc:create_app()"
bind = os.environ.get("FORMSVC_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("FORMSVC_WORKERS", "3"))
worker_class = "gthread"
threads = int(os.environ.get("FORMSVC_THREADS", "16"))
timeout = 30
graceful_timeout = 20
keepalive = 0
# The form needs a short request line and a handful of headers; a client
# feeding endless header lines is cut off early.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
umask = 0o077
accesslog = "-"
errorlog = "-"
# No client addresses in the access log: the rate limiter needs them for a
# minute, the log would keep them as long as its rotation does.
access_log_format = '"%(r)s" %(s)s %(b)s %(L)ss'


def post_worker_init(worker):
    """Start the relay with the worker, so a backlog drains after a restart
    even before the first visitor arrives (also with --preload)."""
    from formsvc import relay

    app = worker.wsgi
    if app.config.get("RELAY_THREAD"):
        relay.ensure_thread(app)
