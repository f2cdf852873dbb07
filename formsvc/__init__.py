"""formsvc: the SIM sign-up service (Flask app factory, `formsvc:create_app()`)."""

import logging
import os
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader

from . import cli, config, db, errors, feedback, relay, request_body, security, views
from .calls import CallCatalog
from .site_manifest import SiteManifest


def create_app(test_config=None):
    app = Flask(__name__, static_folder=None)
    app.config.update(config.load())
    if test_config:
        app.config.update(test_config)
    logging.basicConfig(level=os.environ.get("FORMSVC_LOG_LEVEL", "INFO"))

    site = SiteManifest(Path(app.config["SITE_MANIFEST"]))
    app.extensions["formsvc.site"] = site
    app.config["SIGNUP_PATH"] = site.signup_path
    app.config["SESSION_COOKIE_PATH"] = site.signup_path
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(Path(__file__).parent / "templates"),
        FileSystemLoader(Path(app.config["REPO_DIR"]) / "theme" / "templates"),
    ])
    app.context_processor(lambda: site_context(site.current(), site.signup_path))
    app.extensions["formsvc.calls"] = CallCatalog(Path(app.config["CALLS_FILE"]))

    db.init_app(app)
    security.init_app(app)
    request_body.init_app(app)
    relay.init_app(app)
    cli.init_app(app)
    errors.init_app(app)
    app.register_blueprint(views.bp, url_prefix=site.signup_path.rstrip("/"))
    app.register_blueprint(feedback.bp, url_prefix=site.signup_path + feedback.URL_SEGMENT)
    return app


def site_context(manifest, mounted_at):
    """What the shared layout (theme/templates/base.html) needs, as the deployed site has it.

    SIGNUP_PATH is where this process serves the form (fixed at start), so its
    own links keep working if a newer manifest moves it before a restart.
    """
    return {
        "SITENAME": manifest.site_name,
        "SITEURL": manifest.site_url,
        "SIGNUP_PATH": mounted_at,
        "EU_FUNDING_PERIOD": manifest.eu_funding_period,
        "CONTACT": manifest.contact,
        "asset": manifest.asset,
    }
