"""The communicator's web editor (Decap CMS) at /admin/, generated at build time.

Its configuration comes from plugins/sim_content/schema.py, so the editor asks
for exactly the fields, choices and date formats the build validates; nothing
about the content model is written here a second time. Only presentation (the
Swedish label of each field, the order of collections) lives in this module.

The editor itself is the Decap CMS bundle installed from npm into cms/ (pinned
by cms/package-lock.json) and copied into output/admin/, so nothing is loaded
from a CDN at run time.
"""

import os
import shutil
from pathlib import Path

import yaml

from sim_content.schema import CONTENT_DIRS, EMAIL_LIST_PATTERN, FIELD_LABELS_SV, SCHEMA

ROOT = Path(__file__).resolve().parent.parent
CMS_PACKAGE_DIR = ROOT / "cms"
EDITOR_BUNDLE = Path("node_modules") / "decap-cms" / "dist" / "decap-cms.js"
ADMIN_DIR = "admin"
# decap-server's API, reached through the preview app on the same origin (see
# sitebuild/cms_backend.py), so /admin/'s CSP needs no extra host for it.
LOCAL_BACKEND_URL = "/admin/api/v1"
# Decap's moment.js format for every date field: the build accepts both
# ÅÅÅÅ-MM-DD and ÅÅÅÅ-MM-DD TT:MM (schema.DATE_FORMATS), and a time of day is
# what lets a news post be scheduled for a given hour.
DECAP_DATETIME_FORMAT = "YYYY-MM-DD HH:mm"

COLLECTIONS = {
    # kind: (collection name, Swedish label, singular label, file name pattern)
    "news": ("nyheter", "Nyheter", "Nyhet", "{{year}}-{{month}}-{{day}}-{{slug}}"),
    "call": ("utlysningar", "Utlysningar", "Utlysning", "{{slug}}"),
    "page": ("sidor", "Sidor", "Sida", "{{slug}}"),
    "author": ("forfattare", "Skribenter", "Skribent", "{{slug}}"),
}
SLUG_PATTERN = ["^[a-z0-9]+(-[a-z0-9]+)*$", "Små bokstäver a–z, siffror och bindestreck, t.ex. ny-utlysning"]
EMAIL_HINT = "En e-postadress, t.ex. sim-utlysning@regionjh.se, eller flera åtskilda med kommatecken"
PAGE_SLUG_PATTERN = ["^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)*$",
                     "Små bokstäver a–z, siffror, bindestreck och / mellan delar, t.ex. insatsomraden/finansiering"]


def backend_config(environ):
    """The git backend a deployment uses, from environment variables (no secrets: OAuth runs elsewhere)."""
    name = environ.get("SIM_CMS_BACKEND", "github").strip() or "github"
    if name not in ("github", "git-gateway"):
        raise ValueError(f"SIM_CMS_BACKEND={name!r}: use github or git-gateway")
    backend = {"name": name, "branch": environ.get("SIM_CMS_BRANCH", "main").strip() or "main"}
    if name == "github":
        backend["repo"] = environ.get("SIM_CMS_REPO", "").strip() or "example/sim-web"
        auth_url = environ.get("SIM_CMS_AUTH_URL", "").strip()
        if auth_url:  # an OAuth provider other than Netlify's (api.netlify.com is Decap's default)
            backend["base_url"] = auth_url
    backend["commit_messages"] = {
        "create": "Skapa {{collection}} ”{{slug}}”",
        "update": "Uppdatera {{collection}} ”{{slug}}”",
        "delete": "Ta bort {{collection}} ”{{slug}}”",
        "uploadMedia": "Ladda upp ”{{path}}”",
        "deleteMedia": "Ta bort ”{{path}}”",
    }
    return backend


def field_config(kind, field):
    """One Decap field for one schema field: widget, required, hint and choices."""
    config = {"label": FIELD_LABELS_SV.get(field.name, field.name), "name": field.name,
              "required": field.required, "hint": field.help_sv}
    if field.kind in ("date", "datetime"):
        config.update(widget="datetime", format=DECAP_DATETIME_FORMAT,
                      date_format="YYYY-MM-DD", time_format="HH:mm", picker_utc=False)
    elif field.name == "Author":
        # The authors are content too: offer exactly the names in content/forfattare/.
        config.update(widget="relation", collection=COLLECTIONS["author"][0],
                      value_field="Title", search_fields=["Title"], display_fields=["Title"])
    elif field.kind == "choice":
        config.update(widget="select", options=list(field.choices))
    elif field.kind == "slug":
        config.update(widget="string", pattern=PAGE_SLUG_PATTERN if kind == "page" else SLUG_PATTERN)
    elif field.kind == "list":  # written as a YAML list, which the build reads as well
        config.update(widget="list")
    elif field.kind == "email":
        config.update(widget="string", pattern=[EMAIL_LIST_PATTERN, EMAIL_HINT])
    else:
        config.update(widget="text" if field.name == "Summary" else "string")
    return config


def collection_config(kind):
    name, label, singular, file_pattern = COLLECTIONS[kind]
    fields = [field_config(kind, field) for field in SCHEMA[kind]]
    fields.append({"label": "Text", "name": "body", "widget": "markdown"})
    return {
        "name": name, "label": label, "label_singular": singular,
        "folder": f"content/{CONTENT_DIRS[kind]}", "extension": "md", "format": "yaml-frontmatter",
        "create": True, "identifier_field": "Title", "slug": file_pattern,
        "summary": "{{Title}}", "fields": fields,
    }


def cms_config(environ=None, site_url=""):
    """The whole Decap configuration as a dict (written to output/admin/config.yml)."""
    environ = os.environ if environ is None else environ
    config = {
        "backend": backend_config(environ),
        "publish_mode": "editorial_workflow",
        "locale": "sv",
        "media_folder": "content/images",
        "public_folder": "/images",
        # Same rule as `build.py new`: ASCII only, å/ä→a and ö→o, dashes between words.
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [collection_config(kind) for kind in COLLECTIONS],
    }
    if site_url:
        config["site_url"] = config["display_url"] = site_url
    return config


def admin_page():
    """/admin/index.html: no inline script, so /admin/'s CSP can forbid it as everywhere else."""
    return (
        "<!doctype html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"robots\" content=\"noindex\">\n<title>Redigera webbplatsen – SIM</title>\n"
        "<link href=\"config.yml\" type=\"text/yaml\" rel=\"cms-config-url\">\n</head>\n<body>\n"
        "<noscript>Redigeringsverktyget behöver JavaScript.</noscript>\n"
        "<script src=\"manual-init.js\"></script>\n<script src=\"decap-cms.js\"></script>\n"
        "<script src=\"start.js\"></script>\n</body>\n</html>\n"
    )


# Read by the bundle when it loads: start.js initialises it instead, with what
# config.yml cannot hold (the local backend's address on this page's origin).
MANUAL_INIT_SCRIPT = "window.CMS_MANUAL_INIT = true;\n"


def start_script(site_dir, local):
    """start.js: the site's fingerprinted CSS as the preview style, then start the editor."""
    sheets = sorted((Path(site_dir) / "theme" / "css").glob("site.*.css"))
    lines = ["// Written by sitebuild/cms.py."]
    lines += [f"CMS.registerPreviewStyle({('/theme/css/' + sheet.name)!r});" for sheet in sheets[:1]]
    if local:
        # Decap wants an absolute URL and honours it only on localhost: decap-server
        # behind `build.py serve`, on this page's own origin (see cms_backend.py).
        lines.append(f"CMS.init({{config: {{local_backend: {{url: location.origin + {LOCAL_BACKEND_URL!r}}}}}}});")
    else:
        lines.append("CMS.init();")
    return "\n".join(lines) + "\n"


def editor_bundle(package_dir=CMS_PACKAGE_DIR):
    """Path of the installed Decap bundle, or None when `npm ci` has not run in cms/."""
    bundle = Path(package_dir) / EDITOR_BUNDLE
    return bundle if bundle.is_file() else None


def write_admin(site_dir, local=True, site_url="", environ=None, package_dir=CMS_PACKAGE_DIR):
    """Write output/admin/; return False (and write nothing) when the editor bundle is not installed."""
    bundle = editor_bundle(package_dir)
    if bundle is None:
        return False
    admin = Path(site_dir) / ADMIN_DIR
    admin.mkdir(parents=True, exist_ok=True)
    # The bundle loads its code-split chunks and WebAssembly from its own folder.
    for part in [bundle, *bundle.parent.glob("*.decap-cms.js"), *bundle.parent.glob("*.wasm")]:
        shutil.copyfile(part, admin / part.name)
    config = cms_config(environ, site_url=site_url)
    (admin / "config.yml").write_text(
        "# Generated by sitebuild/cms.py from plugins/sim_content/schema.py – do not edit.\n"
        + yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (admin / "index.html").write_text(admin_page(), encoding="utf-8")
    (admin / "manual-init.js").write_text(MANUAL_INIT_SCRIPT, encoding="utf-8")
    (admin / "start.js").write_text(start_script(site_dir, local), encoding="utf-8")
    return True
