"""Shared page facts and checks for the browser gates: sample sign-up, layout checks, the .xlsx."""

import re
import time
from pathlib import Path

import openpyxl
import requests
from bs4 import BeautifulSoup

# formsvc's default minimum fill time (FORMSVC_MIN_FILL_SECONDS); the harness keeps it,
# so every journey waits as long as a quick person would before submitting.
MIN_FILL_SECONDS = 3
FILL_MARGIN_SECONDS = 0.4

SIGNUP = {
    "company": "Brukets Mekaniska Verkstad AB",
    "org_number": "556036-0793",
    "municipality": "Östersund",
    "employees": "10–49",
    "contact_name": "Karin Lindqvist",
    "role": "Produktionschef",
    "email": "karin.lindqvist@example.se",
    "phone": "070-123 45 67",
    "areas": {"Produktionseffektivisering"},
    "message": "Vi vill korta ställtiderna i vår svetslinje.",
    "consent": True,
}

REFERENCE_IN_PATH = re.compile(r"/anmalan/tack/([^/]+)/$")


def wait_out_min_fill(loaded_at):
    """Sleep until the form has been open as long as formsvc's bot check demands."""
    remaining = loaded_at + MIN_FILL_SECONDS + FILL_MARGIN_SECONDS - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)


def reference_from_url(url):
    match = REFERENCE_IN_PATH.search(url)
    assert match, f"not a thank-you address: {url}"
    return match.group(1)


_TOO_WIDE = """() => Array.from(document.querySelectorAll("body *"))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(0, 10)
  .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.getAttribute("for") ? "[for=" + e.getAttribute("for") + "]" : ""))"""


def assert_fits_viewport(page):
    """No horizontal scrolling: the document is no wider than the window (names the culprits if it is)."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if widths[0] > widths[1]:
        raise AssertionError(
            f"{page.url} scrolls sideways: {widths[0]} px content in a {widths[1]} px window; "
            f"too wide: {page.evaluate(_TOO_WIDE)}"
        )


def hidden_fields(html):
    """The hidden inputs (CSRF token, signed start time, call) of the page's POST form."""
    form = BeautifulSoup(html, "html5lib").find("form", method=re.compile("post", re.I))
    return {field["name"]: field.get("value", "") for field in form.find_all("input", type="hidden")}


def post_signup_over_http(base_url, form_path, industry=None):
    """Submit a valid sign-up like a browser without JavaScript; return the thank-you path."""
    session = requests.Session()
    form_url = base_url + form_path
    loaded_at = time.monotonic()
    page = session.get(form_url, timeout=10)
    assert page.status_code == 200, f"GET {form_path}: {page.status_code}"
    data = hidden_fields(page.text)
    form = BeautifulSoup(page.text, "html5lib").find("form", method=re.compile("post", re.I))
    data.update({key: value for key, value in SIGNUP.items() if isinstance(value, str)})
    data["areas"] = sorted(SIGNUP["areas"])
    data["consent"] = "y"
    industry_options = [o.get("value") for o in form.find("select", attrs={"name": "industry"}).find_all("option")]
    data["industry"] = industry or next(value for value in industry_options if value)
    wait_out_min_fill(loaded_at)
    answer = session.post(form_url, data=data, allow_redirects=False, timeout=10)
    assert answer.status_code == 303, f"POST {form_path}: {answer.status_code}\n{answer.text[:2000]}"
    location = answer.headers["Location"]
    return location[len(base_url):] if location.startswith(base_url) else location


def workbook_references(sheet_path):
    """Every value of the workbook's Referens column (found by header name, as staff may move it)."""
    workbook = openpyxl.load_workbook(Path(sheet_path), read_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = list(next(rows))
        column = header.index("Referens")
        return [row[column] for row in rows if row and row[column] is not None]
    finally:
        workbook.close()
