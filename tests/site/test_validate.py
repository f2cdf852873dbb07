"""Content validation: every broken file fails with the exact `path:line: message`."""

import shutil
from pathlib import Path

import pytest
from sim_content.validate import validate_content

FIXTURES = Path(__file__).parent / "fixtures"


def content_with(tmp_path, *broken):
    """A content/ folder holding the valid fixtures plus the named broken files."""
    shutil.copytree(FIXTURES / "valid", tmp_path / "content")
    for name in broken:
        source = FIXTURES / "broken" / name
        shutil.copy(source, tmp_path / "content" / name)
    return tmp_path / "content"


def errors_for(tmp_path, *broken):
    return [str(error) for error in validate_content(content_with(tmp_path, *broken), tmp_path)]


def test_valid_fixtures_have_no_errors(tmp_path):
    assert errors_for(tmp_path) == []


def test_real_content_is_valid(repo):
    assert [str(e) for e in validate_content(repo / "content", repo)] == []


@pytest.mark.parametrize(("broken", "expected_prefix"), [
    ("nyheter/missing-summary.md", 'content/nyheter/missing-summary.md:1: Fältet "Summary" saknas'),
    ("nyheter/bad-date.md",
     'content/nyheter/bad-date.md:3: Date: "2026-02-30" är inte ett giltigt datum – skriv ÅÅÅÅ-MM-DD'),
    ("utlysningar/bad-deadline.md",
     'content/utlysningar/bad-deadline.md:3: Deadline: "2026-13-01 10:00" är inte ett giltigt datum'
     " – skriv ÅÅÅÅ-MM-DD TT:MM"),
    ("utlysningar/date-without-time.md",
     'content/utlysningar/date-without-time.md:3: Deadline: "2026-12-01" saknar klockslag'),
    ("nyheter/unknown-category.md",
     'content/nyheter/unknown-category.md:5: Category: "Industri40" finns inte bland de tillåtna värdena'
     ' – menade du "Industri 4.0"?'),
    ("utlysningar/unknown-area.md",
     'content/utlysningar/unknown-area.md:4: Area: "Finansering" finns inte bland de tillåtna värdena'
     ' – menade du "Finansiering"?'),
    ("nyheter/unknown-author.md",
     'content/nyheter/unknown-author.md:3: Author: "Testredaktion" finns inte i content/forfattare/'),
    ("utlysningar/deadline-before-opens.md",
     'content/utlysningar/deadline-before-opens.md:5: Deadline: "2026-11-30 16:00" är inte efter Opens'),
    ("utlysningar/dst-gap.md",
     'content/utlysningar/dst-gap.md:2: Opens: "2027-03-28 02:30" finns inte i svensk tid'),
    ("nyheter/duplicate-slug.md",
     "content/nyheter/duplicate-slug.md:6: Adressen /nyheter/giltig-nyhet/ används redan av "
     "content/nyheter/2026-01-10-giltig-nyhet.md"),
    ("nyheter/typo-key.md", 'content/nyheter/typo-key.md:5: Okänt fält "Sumary" – menade du "Summary"?'),
    ("sidor/reserved-slug.md", 'content/sidor/reserved-slug.md:2: Slug: "nyheter" krockar med'),
    ("sidor/empty-title.md", 'content/sidor/empty-title.md:1: Fältet "Title" är tomt'),
    ("utlysningar/bad-staff-email.md",
     'content/utlysningar/bad-staff-email.md:6: StaffEmail: "Handläggare <hl@regionjh.se>" är ingen e-postadress'
     ' – skriv en adress som "sim-utlysning@regionjh.se", eller flera åtskilda med kommatecken'),
    ("utlysningar/reserved-call-slug.md",
     'content/utlysningar/reserved-call-slug.md:1: Utlysningens adress "synpunkter" krockar med '
     "formulärtjänstens egen sida /anmalan/synpunkter/"),
])
def test_each_broken_file_fails_with_its_path_and_line(tmp_path, broken, expected_prefix):
    errors = errors_for(tmp_path, broken)
    assert len(errors) == 1, errors
    assert errors[0].startswith(expected_prefix)


def test_all_errors_are_collected_not_just_the_first(tmp_path):
    broken = ["nyheter/bad-date.md", "nyheter/typo-key.md", "utlysningar/unknown-area.md"]
    errors = errors_for(tmp_path, *broken)
    assert [e.split(":")[0] for e in errors] == [f"content/{name}" for name in sorted(broken)]


def test_duplicate_slug_between_calls_is_reported(tmp_path):
    content = content_with(tmp_path)
    original = (content / "utlysningar" / "giltig-utlysning.md").read_text(encoding="utf-8")
    (content / "utlysningar" / "kopia.md").write_text(original, encoding="utf-8")
    errors = [str(e) for e in validate_content(content, tmp_path)]
    assert errors == [
        "content/utlysningar/kopia.md:7: Adressen /utlysningar/giltig-utlysning/ används redan av "
        "content/utlysningar/giltig-utlysning.md – ge filen en egen Slug (eller en annan Title) "
        "så att adressen blir unik."
    ]


def test_news_and_call_may_share_a_slug_because_their_urls_differ(tmp_path):
    content = content_with(tmp_path)
    call = (content / "utlysningar" / "giltig-utlysning.md").read_text(encoding="utf-8")
    (content / "utlysningar" / "giltig-utlysning.md").write_text(
        call.replace("Slug: giltig-utlysning", "Slug: giltig-nyhet"), encoding="utf-8")
    assert validate_content(content, tmp_path) == []


def test_derived_slug_collides_after_transliteration(tmp_path):
    content = content_with(tmp_path)
    (content / "sidor" / "a.md").write_text("Title: Öppna dörrar\n\nText.\n", encoding="utf-8")
    (content / "sidor" / "b.md").write_text("Title: Oppna dorrar\n\nText.\n", encoding="utf-8")
    errors = [str(e) for e in validate_content(content, tmp_path)]
    assert errors == [
        "content/sidor/b.md:1: Adressen /oppna-dorrar/ används redan av content/sidor/a.md – "
        "ge filen en egen Slug (eller en annan Title) så att adressen blir unik."
    ]


def test_file_without_header_reports_every_required_field_on_line_1(tmp_path):
    content = content_with(tmp_path)
    (content / "nyheter" / "bara-text.md").write_text("Bara brödtext, ingen rubrik.\n", encoding="utf-8")
    errors = [str(e) for e in validate_content(content, tmp_path)]
    missing = sorted(e.split('"')[1] for e in errors)
    assert missing == ["Author", "Category", "Date", "Summary", "Title"]
    assert all(e.startswith("content/nyheter/bara-text.md:1: ") for e in errors)


def test_hostile_input_is_reported_not_crashed_on(tmp_path):
    content = content_with(tmp_path)
    (content / "nyheter" / "latin1.md").write_bytes("Title: Räksmörgås\n".encode("latin-1"))
    (content / "sidor" / "slug.md").write_text(
        'Title: <script>alert(1)</script>\nSlug: ../../etc\n\nText.\n', encoding="utf-8")
    errors = [str(e) for e in validate_content(content, tmp_path)]
    assert errors[0].startswith("content/nyheter/latin1.md:1: Filen är inte sparad som UTF-8")
    assert errors[1].startswith('content/sidor/slug.md:2: Slug: "../../etc" får bara innehålla')
    assert len(errors) == 2
