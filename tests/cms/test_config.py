"""The editor's configuration is the content schema, seen through Decap's eyes."""

import pytest
import yaml

from sim_content.schema import AREAS, CATEGORIES, CONTENT_DIRS, EMAIL_LIST_PATTERN, SCHEMA
from sim_content.slugs import slugify
from sitebuild import cms


def collection(config, kind):
    (found,) = [c for c in config["collections"] if c["folder"] == f"content/{CONTENT_DIRS[kind]}"]
    return found


@pytest.mark.parametrize("kind", ["news", "call", "page", "author"])
def test_every_schema_field_and_only_those_is_in_the_editor(kind):
    fields = collection(cms.cms_config({}), kind)["fields"]
    by_name = {f["name"]: f for f in fields}
    assert [f["name"] for f in fields] == [f.name for f in SCHEMA[kind]] + ["body"]
    for field in SCHEMA[kind]:
        editor = by_name[field.name]
        assert editor["required"] is field.required, field.name
        assert editor["hint"] == field.help_sv
        assert editor["label"] != field.name or field.name == "Status", "every field has a Swedish label"
        if field.kind in ("date", "datetime"):
            assert editor["widget"] == "datetime" and editor["picker_utc"] is False
        elif field.kind == "choice" and field.name != "Author":
            assert editor["widget"] == "select" and editor["options"] == list(field.choices)
        elif field.kind == "email":
            assert editor["widget"] == "string" and editor["pattern"][0] == EMAIL_LIST_PATTERN


def test_categories_and_areas_are_selects_and_authors_come_from_their_collection():
    config = cms.cms_config({})
    news = {f["name"]: f for f in collection(config, "news")["fields"]}
    calls = {f["name"]: f for f in collection(config, "call")["fields"]}
    assert news["Category"]["options"] == list(CATEGORIES)
    assert calls["Area"]["options"] == list(AREAS)
    assert news["Author"]["widget"] == "relation"
    assert news["Author"]["collection"] == collection(config, "author")["name"]


def test_dates_round_trip_through_the_build_format():
    # What Decap writes with DECAP_DATETIME_FORMAT must parse with the build's own parser.
    from sim_content.timeutil import parse_local

    assert cms.DECAP_DATETIME_FORMAT == "YYYY-MM-DD HH:mm"
    assert parse_local("2027-01-31 23:59").hour == 23


def test_slug_rule_matches_build_py_new():
    config = cms.cms_config({})
    assert config["slug"] == {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"}
    assert slugify("Öppet hus på Åre") == "oppet-hus-pa-are"  # what clean_accents gives too
    assert collection(config, "news")["slug"].startswith("{{year}}-{{month}}-{{day}}-")


def test_backend_comes_from_the_environment_and_refuses_unknown_names():
    github = cms.backend_config({"SIM_CMS_REPO": "region/sim", "SIM_CMS_AUTH_URL": "https://auth.example.se"})
    assert github["repo"] == "region/sim" and github["base_url"] == "https://auth.example.se"
    gateway = cms.backend_config({"SIM_CMS_BACKEND": "git-gateway"})
    assert gateway["name"] == "git-gateway" and "repo" not in gateway
    with pytest.raises(ValueError, match="SIM_CMS_BACKEND"):
        cms.backend_config({"SIM_CMS_BACKEND": "gitlab; rm -rf /"})


def test_local_backend_only_in_local_builds(tmp_path):
    local, published = cms.start_script(tmp_path, local=True), cms.start_script(tmp_path, local=False)
    assert "local_backend" in local and cms.LOCAL_BACKEND_URL in local
    assert "local_backend" not in published and "CMS.init();" in published
    assert "local_backend" not in cms.cms_config({})


def test_editorial_workflow_and_swedish_ui():
    config = cms.cms_config({})
    assert config["publish_mode"] == "editorial_workflow"
    assert config["locale"] == "sv"


def test_write_admin_without_bundle_writes_nothing(tmp_path):
    assert cms.write_admin(tmp_path / "site", package_dir=tmp_path / "no-cms") is False
    assert not (tmp_path / "site" / "admin").exists()


def test_write_admin_writes_page_config_and_preview_style(tmp_path):
    package = tmp_path / "cms"
    (package / cms.EDITOR_BUNDLE).parent.mkdir(parents=True)
    (package / cms.EDITOR_BUNDLE).write_text("/* bundle */")
    site = tmp_path / "site"
    (site / "theme" / "css").mkdir(parents=True)
    (site / "theme" / "css" / "site.0123456789.css").write_text("")
    assert cms.write_admin(site, environ={}, package_dir=package)
    admin = site / "admin"
    written = yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))
    assert written == cms.cms_config({})
    page = (admin / "index.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in page and "<script>" not in page  # no inline script
    assert "/theme/css/site.0123456789.css" in (admin / "start.js").read_text()
    assert page.index("manual-init.js") < page.index("decap-cms.js") < page.index("start.js")
