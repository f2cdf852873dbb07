"""Validation of the environment variables the settings files read."""

EU_FUNDING_PERIODS = ("", "2014-2020", "2021-2027")


class SettingsError(ValueError):
    """An environment variable holds a value the build cannot use."""


def eu_funding_period(value):
    """Return SIM_EU_FUNDING_PERIOD if it names a known period, else raise."""
    value = (value or "").strip()
    if value not in EU_FUNDING_PERIODS:
        raise SettingsError(
            f"SIM_EU_FUNDING_PERIOD={value!r} is not valid: use '' (not EU co-financed), "
            "'2014-2020' or '2021-2027'."
        )
    return value


def formsvc_url(value):
    """Return FORMSVC_URL without a trailing slash, or raise if it is not a plain http(s) URL."""
    value = (value or "").strip().rstrip("/")
    if not value:
        return ""
    if not value.startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise SettingsError(
            f"FORMSVC_URL={value!r} is not valid: use an absolute http(s) URL "
            "without spaces, e.g. https://formular.example.se"
        )
    return value


LOCAL_PUBLIC_SITEURL = "http://127.0.0.1:8000"


def public_siteurl(value, default):
    """Return the absolute base URL (no trailing slash) for canonical, og:*, sitemap and robots.txt.

    Links inside the site stay relative to SITEURL; only the places where the
    standards demand an absolute URL use this base.
    """
    value = (value or "").strip().rstrip("/") or default
    if not value.startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise SettingsError(
            f"The public site address {value!r} is not valid: use an absolute http(s) URL "
            "without spaces, e.g. https://sim.example.se (SIM_SITEURL) or "
            "http://127.0.0.1:8000 (SIM_LOCAL_SITEURL)"
        )
    return value
