"""build.py verbs, run as the communicator and Netlify run them, in a throwaway repo copy."""

import json
import shutil
from pathlib import Path

import pytest
from tests.site.site_helpers import run_build, snapshot

FIXTURES = Path(__file__).parent / "fixtures"
FAST = ("--no-search", "--no-handbook")


def build_ok(repo_dir, *args, env=None):
    result = run_build(repo_dir, "build", *args, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_failed_build_leaves_previous_output_byte_identical(repo_copy):
    build_ok(repo_copy, *FAST)
    before = snapshot(repo_copy / "output")
    assert "index.html" in before and "calls.json" in before
    shutil.copy(FIXTURES / "broken" / "utlysningar" / "bad-deadline.md", repo_copy / "content" / "utlysningar")
    shutil.copy(FIXTURES / "broken" / "nyheter" / "typo-key.md", repo_copy / "content" / "nyheter")

    result = run_build(repo_copy, "build", *FAST)

    assert result.returncode != 0
    assert 'content/utlysningar/bad-deadline.md:3: Deadline: "2026-13-01 10:00" är inte ett giltigt datum' in result.stderr
    assert 'content/nyheter/typo-key.md:5: Okänt fält "Sumary"' in result.stderr
    assert snapshot(repo_copy / "output") == before
    assert not list(repo_copy.glob(".output-*")) and not (repo_copy / "output.old").exists()


def test_theme_error_also_leaves_output_intact(repo_copy):
    build_ok(repo_copy, *FAST)
    before = snapshot(repo_copy / "output")
    article = repo_copy / "theme" / "templates" / "article.html"
    article.write_text(article.read_text(encoding="utf-8") + "{% endblock %}", encoding="utf-8")
    result = run_build(repo_copy, "build", *FAST)
    assert result.returncode != 0
    assert snapshot(repo_copy / "output") == before


def test_check_reports_errors_without_writing_output(repo_copy):
    shutil.copy(FIXTURES / "broken" / "nyheter" / "missing-summary.md", repo_copy / "content" / "nyheter")
    result = run_build(repo_copy, "check")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith('content/nyheter/missing-summary.md:1: Fältet "Summary" saknas')
    assert not (repo_copy / "output").exists()
    (repo_copy / "content" / "nyheter" / "missing-summary.md").unlink()
    assert run_build(repo_copy, "check").returncode == 0


def test_new_news_scaffolds_a_file_that_builds(repo_copy):
    result = run_build(repo_copy, "new", "news", "Årets största ökning: 4.0 på väg!")
    assert result.returncode == 0, result.stderr
    created = repo_copy / "content" / "nyheter" / "2026-11-25-arets-storsta-okning-4-0-pa-vag.md"
    text = created.read_text(encoding="utf-8")
    assert text.startswith("---\nTitle: 'Årets största ökning: 4.0 på väg!'\nDate: '2026-11-25'\n")
    assert "Slug: arets-storsta-okning-4-0-pa-vag\n---\n" in text
    build_ok(repo_copy, *FAST)
    assert (repo_copy / "output" / "nyheter" / "arets-storsta-okning-4-0-pa-vag" / "index.html").is_file()

    again = run_build(repo_copy, "new", "news", "Årets största ökning: 4.0 på väg!")
    assert again.returncode == 1 and "finns redan" in again.stderr
    assert created.read_text(encoding="utf-8") == text


def test_new_call_scaffolds_an_upcoming_call_that_builds(repo_copy):
    result = run_build(repo_copy, "new", "call", "Öppen workshop om tjänster", env={"SIM_AUTHOR": "Ingen"})
    assert result.returncode == 0, result.stderr
    created = repo_copy / "content" / "utlysningar" / "oppen-workshop-om-tjanster.md"
    assert "Opens: 2026-12-02 08:00\nDeadline: 2027-01-01 16:00\n" in created.read_text(encoding="utf-8")  # YAML keeps them text
    build_ok(repo_copy, *FAST)
    calls = json.loads((repo_copy / "output" / "calls.json").read_text(encoding="utf-8"))["calls"]
    assert "oppen-workshop-om-tjanster" in {call["slug"] for call in calls}


def test_new_uses_sim_author_for_news(repo_copy):
    run_build(repo_copy, "new", "news", "Hej", env={"SIM_AUTHOR": "Marlene Magnussen"})
    assert "Author: Marlene Magnussen\n" in (repo_copy / "content" / "nyheter" / "2026-11-25-hej.md").read_text(encoding="utf-8")


def test_new_refuses_a_title_without_letters(repo_copy):
    result = run_build(repo_copy, "new", "news", "!!!")
    assert result.returncode == 1
    assert list((repo_copy / "content" / "nyheter").glob("*-.md")) == []


@pytest.mark.parametrize("period", ["2014–2020", "2021", "ja"])
def test_unknown_eu_funding_period_is_a_clear_build_error(repo_copy, period):
    result = run_build(repo_copy, "build", *FAST, env={"SIM_EU_FUNDING_PERIOD": period})
    assert result.returncode != 0
    assert "SIM_EU_FUNDING_PERIOD" in result.stderr and "'2021-2027'" in result.stderr
    assert not (repo_copy / "output").exists()


def test_publish_build_writes_redirects_and_absolute_urls(repo_copy):
    env = {"SIM_SITEURL": "https://sim.test/", "FORMSVC_URL": "https://formular.test/"}
    build_ok(repo_copy, "--publish", *FAST, env=env)
    output = repo_copy / "output"
    assert (output / "_redirects").read_text() == "/anmalan/*  https://formular.test/anmalan/:splat  200\n"
    assert "Sitemap: https://sim.test/sitemap.xml" in (output / "robots.txt").read_text()
    call = json.loads((output / "calls.json").read_text(encoding="utf-8"))["calls"][0]
    assert call["url"] == f"https://sim.test/utlysningar/{call['slug']}/"


def test_publish_without_formsvc_url_warns_and_omits_the_proxy(repo_copy):
    result = build_ok(repo_copy, "--publish", *FAST, env={"FORMSVC_URL": ""})
    assert "FORMSVC_URL is not set" in result.stderr
    assert not (repo_copy / "output" / "_redirects").exists()


def test_local_build_needs_no_redirects(repo_copy):
    build_ok(repo_copy, *FAST, env={"FORMSVC_URL": ""})
    assert not (repo_copy / "output" / "_redirects").exists()


@pytest.mark.parametrize("hostile", [
    "https://formular.test/ 301\n/*  https://evil.test  200",
    "javascript:alert(1)",
    "formular.test",
])
def test_hostile_formsvc_url_fails_the_build(repo_copy, hostile):
    result = run_build(repo_copy, "build", "--publish", *FAST, env={"FORMSVC_URL": hostile})
    assert result.returncode != 0
    assert "FORMSVC_URL" in result.stderr
    assert not (repo_copy / "output").exists()


def test_clean_removes_output_and_leftovers(repo_copy):
    build_ok(repo_copy, *FAST)
    (repo_copy / ".output-stale").mkdir()
    assert run_build(repo_copy, "clean").returncode == 0
    assert not (repo_copy / "output").exists() and not (repo_copy / ".output-stale").exists()


def test_drafts_are_previewed_locally_but_never_published(repo_copy):
    news = repo_copy / "content" / "nyheter" / "2026-11-25-utkast.md"
    news.write_text("Title: Hemligt utkast\nDate: 2026-11-25\nAuthor: SIM-redaktionen\nCategory: Industri\n"
                    "Summary: Inte klart.\nSlug: hemligt-utkast\nStatus: draft\n\nText.\n", encoding="utf-8")
    call = repo_copy / "content" / "utlysningar" / "utkast.md"
    call.write_text("Title: Utkast till utlysning\nOpens: 2027-05-01 08:00\nDeadline: 2027-06-01 16:00\n"
                    "Area: Finansiering\nAudience: Alla\nSummary: Inte klar.\nSlug: utkast-utlysning\n"
                    "Status: draft\n\nText.\n", encoding="utf-8")
    build_ok(repo_copy, *FAST)
    local = repo_copy / "output"
    assert (local / "utkast" / "hemligt-utkast" / "index.html").is_file()
    assert (local / "utkast" / "utlysningar" / "utkast-utlysning" / "index.html").is_file()
    assert not (local / "utlysningar" / "utkast-utlysning").exists()
    slugs = {c["slug"] for c in json.loads((local / "calls.json").read_text(encoding="utf-8"))["calls"]}
    assert "utkast-utlysning" not in slugs
    assert "hemligt-utkast" not in (local / "feeds" / "nyheter.atom.xml").read_text(encoding="utf-8")

    build_ok(repo_copy, "--publish", *FAST, env={"FORMSVC_URL": "https://formular.test"})
    published = repo_copy / "output"
    assert not (published / "utkast").exists()
    assert "utkast" not in (published / "sitemap.xml").read_text(encoding="utf-8")
