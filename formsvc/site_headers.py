"""The static site's security headers, read from netlify.toml.

Netlify's headers do not reach proxied responses, so formsvc sends its own.
Reading them from the one file Netlify uses keeps HSTS, framing, opener and
referrer rules the same on every page of the origin: a change to netlify.toml
changes both. Only the content security policy (formsvc's pages need less)
and caching (form pages are never cached) stay formsvc's own.
"""

import tomllib
from pathlib import Path

SITE_WIDE_PATH = "/*"
NOT_SHARED = {"content-security-policy", "cache-control"}


def shared_site_headers(netlify_toml):
    """{header: value} of netlify.toml's rule for every path, minus CSP and caching."""
    path = Path(netlify_toml)
    try:
        rules = tomllib.loads(path.read_text(encoding="utf-8")).get("headers", [])
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RuntimeError(
            f"{path}: cannot read the site's security headers ({error}); "
            "deploy formsvc from a full checkout of the repository, which contains netlify.toml"
        ) from error
    for rule in rules:
        if rule.get("for") == SITE_WIDE_PATH:
            return {
                name: " ".join(str(value).split())
                for name, value in rule.get("values", {}).items()
                if name.lower() not in NOT_SHARED
            }
    raise RuntimeError(f"{path}: no [[headers]] rule for \"{SITE_WIDE_PATH}\"; add one with the site's security headers")
