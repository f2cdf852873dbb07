"""formsvc: the SIM sign-up service (Flask app factory, `formsvc:create_app()`)."""

import hashlib
import logging
import os
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader

from . import cli, config, db, errors, relay, request_body, security, views
from .calls import CallCatalog


def create_app(test_config=None):
    app = Flask(__name__, static_folder=None)
    app.config.update(config.load())
    if test_config:
        app.config.update(test_config)
    logging.basicConfig(level=os.environ.get("FORMSVC_LOG_LEVEL", "INFO"))

    theme_dir = Path(app.config["REPO_DIR"]) / "theme"
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(Path(__file__).parent / "templates"),
        FileSystemLoader(theme_dir / "templates"),
    ])
    fingerprints = fingerprint_assets(theme_dir / "static")
    siteurl = app.config["SITEURL"]
    app.jinja_env.globals.update(
        SITENAME="SIM – Smart Industriell Modernisering",
        SITEURL=siteurl,
        EU_FUNDING_PERIOD=app.config["EU_FUNDING_PERIOD"],
        asset=lambda path: f"{siteurl}/theme/{fingerprints.get(path, path)}",
    )
    app.extensions["formsvc.calls"] = CallCatalog(Path(app.config["CALLS_FILE"]))

    db.init_app(app)
    security.init_app(app)
    request_body.init_app(app)
    relay.init_app(app)
    cli.init_app(app)
    errors.init_app(app)
    app.register_blueprint(views.bp)
    return app


def fingerprint_assets(static_dir):
    """{'css/site.css': 'css/site.<10 hex of sha256>.css', …}, the names the site build writes."""
    names = {}
    for path in sorted(Path(static_dir).rglob("*")):
        if path.is_file():
            relative = path.relative_to(static_dir).as_posix()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            stem, dot, suffix = relative.rpartition(".")
            names[relative] = f"{stem}.{digest}.{suffix}" if dot else f"{relative}.{digest}"
    return names
