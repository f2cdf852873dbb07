"""Validation of translated pages and data blocks: each mistake names file, line and the fix."""

import shutil
from pathlib import Path

from sim_content.validate import validate_content

FIXTURES = Path(__file__).parent / "fixtures"


def content_with_pages(tmp_path, pages):
    """The valid fixtures plus {file name under sidor/: text}; return the errors as strings."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "valid", content)
    for name, text in pages.items():
        path = content / "sidor" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return [str(error) for error in validate_content(content, tmp_path)]


ENGLISH = "Title: About the test\nSlug: om-testet\nLang: en\nTemplate: page_data\n\nA page.\n"


def test_english_translation_with_the_same_slug_is_valid(tmp_path):
    assert content_with_pages(tmp_path, {"en/om-testet.md": ENGLISH}) == []


def test_english_page_without_the_data_template_is_refused_at_its_lang_line(tmp_path):
    errors = content_with_pages(tmp_path, {"en/om-testet.md": ENGLISH.replace("Template: page_data\n", "")})
    assert errors == [
        'content/sidor/en/om-testet.md:3: Lang: "en" kräver raden "Template: page_data" i huvudet – '
        "annars märks sidan som svensk för skärmläsare och sökmotorer."
    ]


def test_two_english_pages_with_one_slug_collide_under_en(tmp_path):
    errors = content_with_pages(tmp_path, {"en/om-testet.md": ENGLISH, "en/kopia.md": ENGLISH})
    assert errors == [
        "content/sidor/en/om-testet.md:2: Adressen /en/om-testet/ används redan av content/sidor/en/kopia.md – "
        "ge filen en egen Slug (eller en annan Title) så att adressen blir unik."
    ]


def test_a_swedish_page_may_not_take_the_english_prefix(tmp_path):
    errors = content_with_pages(tmp_path, {"fel.md": "Title: Fel\nSlug: en/om\n\nText.\n"})
    assert errors == [
        'content/sidor/fel.md:2: Slug: "en/om" krockar med webbplatsens egen adress /en/ – välj en annan Slug.'
    ]


def test_unknown_language_suggests_the_allowed_ones(tmp_path):
    errors = content_with_pages(tmp_path, {"de.md": "Title: Über\nLang: de\nTemplate: page_data\n\nText.\n"})
    assert len(errors) == 1 and errors[0].startswith('content/sidor/de.md:2: Lang: "de" finns inte bland de tillåtna värdena')


def test_data_block_mistakes_are_reported_on_their_own_lines(tmp_path):
    page = (
        "Title: Kontakt\nTemplate: page_data\n\n"
        "<!-- infoga: agare -->\n\n"          # line 4: fine
        "<!-- infoga: agere -->\n\n"          # line 6: a typo
        "<!--infoga:partner-->\n"             # line 8: not written the way the theme fills it
    )
    errors = content_with_pages(tmp_path, {"kontakt-test.md": page})
    assert errors == [
        'content/sidor/kontakt-test.md:6: Okänt block "agere" – menade du "agare"? – tillåtna block är '
        "kontaktvagar, agare, partner, personuppgiftsansvarig, utlysningar-en.",
        'content/sidor/kontakt-test.md:8: Skriv blocket exakt som "<!-- infoga: partner -->" på en egen rad, '
        "annars fylls det inte i.",
    ]


def test_a_data_block_without_the_data_template_is_refused(tmp_path):
    errors = content_with_pages(tmp_path, {"kontakt-test.md": "Title: Kontakt\n\n<!-- infoga: agare -->\n"})
    assert errors == [
        'content/sidor/kontakt-test.md:3: Blocket "agare" fylls bara i med raden "Template: page_data" '
        "i huvudet – lägg till den."
    ]


def test_hostile_block_names_are_reported_not_run(tmp_path):
    page = 'Title: X\nTemplate: page_data\n\n<!-- infoga: {{ 7*7 }}<script> -->\n'
    errors = content_with_pages(tmp_path, {"x.md": page})
    assert len(errors) == 1 and errors[0].startswith('content/sidor/x.md:4: Okänt block "{{ 7*7 }}<script>"')
