"""The handbook lives under /handbok/ of whatever address SIM_SITEURL gives."""

import pytest

from sitebuild import handbook_hooks as site_url


@pytest.mark.parametrize(
    ("site_root", "expected"),
    [
        ("https://sim.example.se", "https://sim.example.se/handbok/"),
        ("https://sim.example.se/", "https://sim.example.se/handbok/"),
        ("https://example.se/sim/", "https://example.se/sim/handbok/"),
        ("https://sim.example.se/handbok/", "https://sim.example.se/handbok/"),
        ("", "http://127.0.0.1:8000/handbok/"),
        ("   ", "http://127.0.0.1:8000/handbok/"),
        (None, "http://127.0.0.1:8000/handbok/"),
    ],
)
def test_handbook_url(site_root, expected):
    assert site_url.handbook_url(site_root) == expected


def test_on_config_rewrites_site_url_in_place():
    config = {"site_url": "https://sim.example.se/"}
    assert site_url.on_config(config)["site_url"] == "https://sim.example.se/handbok/"
