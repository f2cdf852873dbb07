"""The generated Fältreferens agrees with the schema the build validates with."""

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError

from sim_content import schema
from sitebuild import handbook_hooks as field_reference


@pytest.fixture(scope="module")
def reference_page(built_handbook):
    html = (built_handbook / "faltreferens" / "index.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html5lib")


def cell_texts(row):
    return [cell.get_text(" ", strip=True) for cell in row.find_all("td")]


def test_every_kind_has_a_table_with_exactly_its_fields(reference_page):
    tables = {table["data-kind"]: table for table in reference_page.select("table[data-kind]")}
    assert set(tables) == set(schema.SCHEMA)
    for kind, fields in schema.SCHEMA.items():
        listed = [row.find("td").get_text(strip=True) for row in tables[kind].select("tbody tr")]
        assert listed == [field.name for field in fields], kind


def test_required_flag_choices_and_help_match_the_schema(reference_page):
    for kind, fields in schema.SCHEMA.items():
        table = reference_page.select_one(f'table[data-kind="{kind}"]')
        for field in fields:
            row = table.select_one(f'tr[data-field="{field.name}"]')
            name, required, _format, help_text, choices, _example = cell_texts(row)
            assert name == field.name
            assert required == ("Ja, obligatoriskt" if field.required else "Nej, valfritt"), (kind, field.name)
            assert help_text == field.help_sv
            shown_choices = [code.get_text() for code in row.find_all("td")[4].find_all("code")]
            assert shown_choices == list(field.choices), (kind, field.name)


def test_each_kind_has_a_heading_for_the_table_of_contents(reference_page):
    for kind in schema.SCHEMA:
        heading = reference_page.find("h2", id=kind)
        assert heading is not None, kind
        assert heading.find_next("table")["data-kind"] == kind


def test_minimal_example_contains_every_required_field(reference_page):
    for kind, fields in schema.SCHEMA.items():
        example = reference_page.find("h2", id=kind).find_next("pre").get_text()
        keys = [line.split(":", 1)[0] for line in example.splitlines() if line.strip() and line != "---"]
        assert keys == [field.name for field in fields if field.required], kind


@dataclass(frozen=True)
class HostileField:
    name: str
    kind: str
    required: bool
    help_sv: str
    choices: tuple = ()
    example: str = ""


def test_markup_in_the_schema_is_escaped_not_rendered():
    hostile = SimpleNamespace(
        SCHEMA={"news": (HostileField("Ti<tle", "mystery", True, "<script>alert(1)</script>", ('"><img src=x>',), "a&b"),)},
        CONTENT_DIRS={"news": "nyheter"},
    )
    markdown = field_reference.field_reference_markdown(hostile)
    table_html = markdown[markdown.index("<table"): markdown.index("</table>") + len("</table>")]
    soup = BeautifulSoup(table_html, "html5lib")
    assert soup.find("script") is None and soup.find("img") is None
    row = soup.select_one("tbody tr")
    assert row["data-field"] == "Ti<tle"
    assert cell_texts(row)[3] == "<script>alert(1)</script>"
    assert cell_texts(row)[2] == "mystery"  # an unknown kind is shown, not dropped


def test_page_without_the_marker_fails_loudly():
    page = SimpleNamespace(file=SimpleNamespace(src_uri=field_reference.REFERENCE_PAGE))
    with pytest.raises(PluginError):
        field_reference.on_page_markdown("# Fältreferens\n", page=page, config={}, files=[])


def test_other_pages_pass_through_untouched():
    page = SimpleNamespace(file=SimpleNamespace(src_uri="drift.md"))
    text = f"# Drift\n\n{field_reference.MARKER}\n"
    assert field_reference.on_page_markdown(text, page=page, config={}, files=[]) == text


def test_data_blocks_table_lists_exactly_the_schemas_blocks(reference_page):
    rows = reference_page.select("table[data-blocks] tbody tr")
    assert [row["data-block"] for row in rows] == list(schema.DATA_BLOCKS)
    for row in rows:
        written, shown = cell_texts(row)
        assert written == f"<!-- infoga: {row['data-block']} -->"
        assert shown == schema.DATA_BLOCKS[row["data-block"]]


def test_markup_in_a_data_block_is_escaped_not_rendered():
    hostile = SimpleNamespace(
        SCHEMA={}, CONTENT_DIRS={}, DATA_TEMPLATE="page_data",
        DATA_BLOCKS={'x"><script>alert(1)</script>': "<img src=x onerror=alert(1)>"},
    )
    markdown = field_reference.field_reference_markdown(hostile)
    soup = BeautifulSoup(markdown[markdown.index("<table"):], "html5lib")
    assert soup.find("script") is None and soup.find("img") is None
    row = soup.select_one("tbody tr")
    assert cell_texts(row) == ['<!-- infoga: x"><script>alert(1)</script> -->', "<img src=x onerror=alert(1)>"]
