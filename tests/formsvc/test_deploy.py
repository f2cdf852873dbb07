"""The deployment files in deploy/ hold together: systemd accepts the units,
Caddy parses its file, and the container image runs as a user from a
read-only copy of the files the service needs. (Docker cannot run here, so
the image itself is not built.)"""

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import require_tool

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
UNITS = sorted(DEPLOY.glob("*.service")) + sorted(DEPLOY.glob("*.timer"))


@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.name)
def test_systemd_accepts_the_unit(unit, tmp_path):
    require_tool("systemd-analyze", "systemd-analyze (Debian package systemd)")
    # The units name /opt/sim; point them at this checkout so the commands exist.
    for path in UNITS:
        (tmp_path / path.name).write_text(path.read_text().replace("/opt/sim", str(REPO)))
    result = subprocess.run(["systemd-analyze", "verify", str(tmp_path / unit.name)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_the_service_runs_gunicorn_with_the_repository_config_as_an_unprivileged_user():
    unit = (DEPLOY / "formsvc.service").read_text()
    assert "ExecStart=/opt/sim/.venv/bin/gunicorn -c /opt/sim/gunicorn.conf.py" in unit
    assert re.search(r"^User=formsvc$", unit, re.M) and "UMask=0077" in unit
    assert "ProtectSystem=strict" in unit and "StateDirectoryMode=0700" in unit


def test_caddy_parses_the_caddyfile():
    require_tool("caddy", "Caddy (the TLS proxy in deploy/)")
    result = subprocess.run(["caddy", "adapt", "--adapter", "caddyfile", "--config", str(DEPLOY / "Caddyfile")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert '"max_size":65536' in result.stdout.replace(" ", "")


def test_the_container_image_copies_what_exists_and_runs_read_only_as_a_user():
    containerfile = (DEPLOY / "Containerfile").read_text()
    for sources in re.findall(r"^COPY (.+) \S+$", containerfile, re.M):
        for source in sources.split():
            assert (REPO / source).exists(), f"Containerfile copies {source}, which is not in the repository"
    user = re.findall(r"^USER (\S+)$", containerfile, re.M)
    assert user and user[-1] not in ("root", "0")
    assert 'VOLUME ["/var/lib/formsvc"]' in containerfile and "HEALTHCHECK" in containerfile
    assert "chmod -R a-w /opt/sim" in containerfile
    assert '"-c", "/opt/sim/gunicorn.conf.py"' in containerfile


def test_fetch_site_data_keeps_the_last_good_copy_when_the_download_is_not_json(tmp_path):
    """The timer's script, run against a local 'site' served by file:// curl."""
    require_tool("curl", "curl (the script's downloader)")
    site = tmp_path / "site"
    site.mkdir()
    (site / "calls.json").write_text('{"calls": []}')
    (site / "site.json").write_text("<html>proxy error page</html>")
    data = tmp_path / "data"
    data.mkdir()
    (data / "site.json").write_text('{"good": true}')
    result = subprocess.run([str(DEPLOY / "fetch-site-data.sh"), str(data)], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "SIM_SITEURL": f"file://{site}"}, timeout=60)
    assert result.returncode == 1 and "not valid JSON" in result.stderr
    assert (data / "calls.json").read_text() == '{"calls": []}'
    assert (data / "site.json").read_text() == '{"good": true}'
    assert sorted(path.name for path in data.iterdir()) == ["calls.json", "site.json"]
