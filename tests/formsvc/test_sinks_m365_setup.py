"""SHEET_BACKEND=m365 set-up: what stops the app at start, the certificate
credential, and the handbook's column list (the fake: graph_fake.py)."""

import logging

import pytest
import trustme

from formsvc.sinks import HEADERS
from formsvc.sinks.m365 import M365ConfigError
from tests.formsvc.formsvc_helpers import deliver_all, submit

RSA = trustme.KeyType.RSA


def test_certificate_credential_signs_in_without_a_secret(make_app, graph, tmp_path):
    issued = trustme.CA().issue_cert("formsvc-app", key_type=RSA)
    pem = tmp_path / "formsvc-app.pem"
    pem.write_bytes(issued.private_key_pem.bytes() + issued.cert_chain_pems[0].bytes())
    graph.certificate = issued.cert_chain_pems[0].bytes().decode()
    app = make_app(**graph.environment(FORMSVC_M365_CLIENT_SECRET="", FORMSVC_M365_CERTIFICATE_FILE=pem))
    submit(app.test_client())
    assert deliver_all(app) == {"done": 1}
    assert graph.token_requests == 1


def test_a_certificate_the_app_registration_does_not_know_is_refused(make_app, graph, tmp_path, caplog):
    graph.certificate = trustme.CA().issue_cert("formsvc-app", key_type=RSA).cert_chain_pems[0].bytes().decode()
    stranger = trustme.CA().issue_cert("someone-else", key_type=RSA)
    pem = tmp_path / "stranger.pem"
    pem.write_bytes(stranger.private_key_pem.bytes() + stranger.cert_chain_pems[0].bytes())
    app = make_app(**graph.environment(FORMSVC_M365_CLIENT_SECRET="", FORMSVC_M365_CERTIFICATE_FILE=pem))
    submit(app.test_client())
    with caplog.at_level(logging.WARNING, logger="formsvc.relay"):
        assert deliver_all(app) == {"retry": 1}
    assert "invalid_client" in caplog.text and graph.rows == []


def test_missing_settings_stop_the_app_naming_each_variable(make_app):
    with pytest.raises(M365ConfigError) as stopped:
        make_app(SHEET_BACKEND="m365", FORMSVC_M365_TENANT_ID="sim-tenant")
    message = str(stopped.value)
    for variable in ("FORMSVC_M365_CLIENT_ID", "FORMSVC_M365_DRIVE_ID", "FORMSVC_M365_ITEM_ID",
                     "FORMSVC_M365_CLIENT_SECRET"):
        assert variable in message
    assert "FORMSVC_M365_TENANT_ID" not in message


def test_secret_and_certificate_together_or_an_unreadable_certificate_stop_the_app(make_app, graph, tmp_path):
    with pytest.raises(M365ConfigError, match="not both"):
        make_app(**graph.environment(FORMSVC_M365_CERTIFICATE_FILE=tmp_path / "app.pem"))
    with pytest.raises(M365ConfigError, match="FORMSVC_M365_CERTIFICATE_FILE cannot be read"):
        make_app(**graph.environment(FORMSVC_M365_CLIENT_SECRET="", FORMSVC_M365_CERTIFICATE_FILE=tmp_path / "app.pem"))
    (tmp_path / "app.pem").write_text("not a certificate")
    with pytest.raises(M365ConfigError, match="PEM private key"):
        make_app(**graph.environment(FORMSVC_M365_CLIENT_SECRET="", FORMSVC_M365_CERTIFICATE_FILE=tmp_path / "app.pem"))
    elliptic = trustme.CA().issue_cert("formsvc-app")  # trustme's default key is EC
    (tmp_path / "app.pem").write_bytes(elliptic.private_key_pem.bytes() + elliptic.cert_chain_pems[0].bytes())
    with pytest.raises(M365ConfigError, match="RSA"):
        make_app(**graph.environment(FORMSVC_M365_CLIENT_SECRET="", FORMSVC_M365_CERTIFICATE_FILE=tmp_path / "app.pem"))


@pytest.mark.parametrize("name", ["../items/other", "Anmälningar 2026", "1Tabell", "a?b=c", ""])
def test_a_table_name_excel_would_refuse_stops_the_app(make_app, graph, name):
    if not name:  # empty means the default, which is fine
        make_app(**graph.environment(FORMSVC_M365_TABLE=name))
        return
    with pytest.raises(M365ConfigError, match="FORMSVC_M365_TABLE"):
        make_app(**graph.environment(FORMSVC_M365_TABLE=name))


def test_a_complete_setup_starts_and_says_where_rows_go(make_app, graph, caplog):
    with caplog.at_level(logging.INFO, logger="formsvc.sinks.m365"):
        make_app(**graph.environment())
    assert "Excel table 'Anmalningar'" in caplog.text
    assert graph.requests == []  # starting never touches Graph


def test_the_handbook_lists_exactly_the_columns_the_sink_needs(repo):
    """The handbook is built on the site side, which never imports formsvc, so
    its column list is written out there and checked here."""
    page = (repo / "handbook" / "docs" / "microsoft-365.md").read_text(encoding="utf-8")
    listed = page.split("<!-- m365-kolumner -->")[1].split("<!-- /m365-kolumner -->")[0]
    columns = [line.strip("| ").strip() for line in listed.strip().splitlines()[2:]]
    assert columns == list(HEADERS)
