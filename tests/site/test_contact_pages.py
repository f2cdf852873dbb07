"""Contact details come from content/kontakt.toml alone.

The Kontakt page, the accessibility statement and the personal-data page show
what the data file holds (change the file in a copy → the pages change), leave
out empty fields, escape what they show, and a publish build with an empty
required field fails through build.py with the file, line and field.
"""

import re
from pathlib import Path

import pytest

from tests.site.site_helpers import build_site, copy_repo, parse_html, run_build

CONTACT_PAGES = ("kontakt", "tillganglighet", "personuppgifter", "en/kontakt")
FAST = ("--no-search", "--no-handbook")


def edit_contact(repo, old, new):
    path = repo / "content" / "kontakt.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def mailto_addresses(page):
    return {a["href"].removeprefix("mailto:") for a in page.find("main").select('a[href^="mailto:"]')}


@pytest.fixture(scope="module")
def changed_site(tmp_path_factory):
    """A build of a copy whose owner e-mail and partner details were changed in kontakt.toml."""
    repo = copy_repo(tmp_path_factory.mktemp("contact") / "repo")
    edit_contact(repo, 'epost = "region@regionjh.se"', 'epost = "sim-test@example.se"')
    edit_contact(repo, 'webb = ""', 'webb = "https://iuc.example.se/"')
    edit_contact(repo, 'beskrivning = "', 'beskrivning = "<script>alert(1)</script> ')
    return build_site(repo / "output", *FAST, repo_dir=repo)


def test_real_pages_show_the_owners_email_from_the_data_file(built_site):
    for name in CONTACT_PAGES:
        page = parse_html(Path(built_site) / name / "index.html")
        assert "region@regionjh.se" in mailto_addresses(page), name


def test_swedish_contact_pages_link_the_feedback_form_for_private_persons(built_site):
    for name in ("kontakt", "tillganglighet", "personuppgifter"):
        links = parse_html(Path(built_site) / name / "index.html").find("main").select('a[href="/anmalan/synpunkter/"]')
        assert links, name


def test_changing_the_data_file_changes_every_contact_page(changed_site):
    for name in CONTACT_PAGES:
        page = parse_html(changed_site / name / "index.html")
        assert mailto_addresses(page) == {"sim-test@example.se"}, name
        assert "region@regionjh.se" not in page.find("main").get_text(), name


def test_empty_fields_are_left_out_and_filled_ones_shown(built_site, changed_site):
    def partner_terms(site):
        block = parse_html(Path(site) / "kontakt" / "index.html").find(attrs={"data-contact": "partner"})
        return [dt.get_text(strip=True) for dt in block.find_all("dt")]
    assert partner_terms(built_site) == ["Namn", "Verksamhet"]  # address, e-mail, phone, web are empty
    assert partner_terms(changed_site) == ["Namn", "Verksamhet", "Webbplats"]
    link = parse_html(changed_site / "kontakt" / "index.html").find(attrs={"data-contact": "partner"}).find("a")
    assert link["href"] == "https://iuc.example.se/"


def test_contact_values_are_escaped(changed_site):
    page = parse_html(changed_site / "kontakt" / "index.html")
    block = page.find(attrs={"data-contact": "partner"})
    assert block.find("script") is None
    assert "<script>alert(1)</script>" in block.get_text()


def test_personal_data_page_names_the_controller_with_its_organisation_number(built_site):
    page = parse_html(Path(built_site) / "personuppgifter" / "index.html")
    controller = page.find(attrs={"data-contact": "personuppgiftsansvarig"})
    text = controller.get_text(" ", strip=True)
    assert "Region Jämtland Härjedalen" in text and "232100-0214" in text
    # The block sits in the controller section, not somewhere else on the page.
    assert controller.find_previous("h2").get_text(strip=True) == "Vem ansvarar för dina personuppgifter?"


def test_no_data_block_marker_reaches_a_built_page(built_site):
    for path in Path(built_site).rglob("*.html"):
        assert "<!-- infoga:" not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("field", ["epost", "postadress"])
def test_publish_build_with_an_empty_required_field_fails_naming_file_line_and_field(tmp_path, field):
    repo = copy_repo(tmp_path / "repo")
    original = {"epost": 'epost = "region@regionjh.se"', "postadress": 'postadress = "Box 654, 831 27 Östersund"'}[field]
    edit_contact(repo, original, f'{field} = "  "')
    line = next(number for number, text in enumerate(
        (repo / "content" / "kontakt.toml").read_text(encoding="utf-8").splitlines(), start=1)
        if text.startswith(f'{field} = "  "'))
    result = run_build(repo, "build", "--publish", "--output", str(tmp_path / "out"), *FAST)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert re.search(rf"content/kontakt\.toml:{line}: fältet {field} i \[agare\] är tomt", output), output
    assert not (tmp_path / "out").exists()  # nothing half-published


def test_local_build_with_an_empty_required_field_still_renders(tmp_path):
    # Only publishing needs every field: the communicator can preview while filling in.
    repo = copy_repo(tmp_path / "repo")
    edit_contact(repo, 'epost = "region@regionjh.se"', 'epost = ""')
    site = build_site(tmp_path / "out", *FAST, repo_dir=repo)
    assert mailto_addresses(parse_html(site / "kontakt" / "index.html")) == set()


def test_a_programme_mailbox_and_contact_person_replace_the_owners_address(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    edit_contact(repo, 'epost = ""\ntelefon = ""', 'epost = "sim@example.se"\ntelefon = "063-00 00 00"')
    edit_contact(repo, "# [[program.personer]]", (
        '[[program.personer]]\nnamn = "Anna Exempel"\nroll = "Projektledare"\n'
        'epost = "anna@example.se"\ntelefon = ""\n# [[program.personer]]'))
    site = build_site(tmp_path / "out", *FAST, repo_dir=repo)
    ways = parse_html(site / "kontakt" / "index.html").find(attrs={"data-contact": "kontaktvagar"})
    assert {a["href"] for a in ways.find_all("a")} == {"mailto:anna@example.se", "mailto:sim@example.se", "tel:+4663000000"}
    assert "Anna Exempel" in ways.get_text() and "Projektledare" in ways.get_text()
    assert "Region Jämtland Härjedalen, växel" not in ways.get_text()
    # The hint to write "SIM" is only for when SIM has no mailbox of its own.
    assert ways.find(class_="contact-hint") is None


def test_every_block_the_schema_names_renders_something_on_a_real_page(built_site):
    from sim_content.schema import DATA_BLOCKS
    rendered = {}
    for path in Path(built_site).rglob("*.html"):
        if "handbok" in path.parts:
            continue
        for block in parse_html(path).select("[data-contact]"):
            rendered.setdefault(block["data-contact"], block.get_text(strip=True))
    assert set(rendered) == set(DATA_BLOCKS)
    assert all(rendered.values()), rendered
