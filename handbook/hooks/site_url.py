"""Publish the handbook under /handbok/ of whatever address the site has.

mkdocs.yml reads the site's root from SIM_SITEURL (the same variable the site
build and formsvc use); YAML cannot append a path, so this hook does.
"""

DEFAULT_SITE_ROOT = "http://127.0.0.1:8000"
HANDBOOK_PATH = "/handbok/"


def handbook_url(site_root):
    """Return the handbook's address for a site root such as https://example.se/."""
    root = (site_root or "").strip().rstrip("/") or DEFAULT_SITE_ROOT
    if root.endswith(HANDBOOK_PATH.rstrip("/")):
        return root + "/"
    return root + HANDBOOK_PATH


def on_config(config, **kwargs):
    config["site_url"] = handbook_url(config.get("site_url"))
    return config
