import pytest

from formsvc.validators import InvalidValue, luhn_valid, normalise_email, normalise_org_number, normalise_phone


@pytest.mark.parametrize("typed", [
    "556036-0793", "5560360793", " 556036 - 0793 ", "16556036-0793", "165560360793",
])
def test_org_number_accepted_forms_normalise_to_dash_form(typed):
    assert normalise_org_number(typed) == "556036-0793"


def test_other_valid_org_numbers():
    assert normalise_org_number("2120000142") == "212000-0142"


@pytest.mark.parametrize("typed, hint", [
    ("556036-0794", "stämmer inte"),        # wrong check digit
    ("556036-079", "10 siffror"),           # too short
    ("55603607931", "10 siffror"),          # 11 digits
    ("195560360793", "10 siffror"),         # 12 digits without the 16 prefix
    ("5560a60793", "10 siffror"),
    ("٥٥٦٠٣٦٠٧٩٣", "10 siffror"),            # Arabic-Indic digits are not accepted
    ("", "Skriv organisationsnumret"),
    ("=1+1", "10 siffror"),
])
def test_org_number_rejections_say_how_to_fix(typed, hint):
    with pytest.raises(InvalidValue) as problem:
        normalise_org_number(typed)
    assert hint in str(problem.value)
    assert "556036-0793" in str(problem.value)


def test_luhn():
    assert luhn_valid("5560360793")
    assert not luhn_valid("5560360792")


@pytest.mark.parametrize("typed, normalised", [
    ("070-123 45 67", "070-123 45 67"),
    ("0701234567", "070-123 45 67"),
    ("+46 70 123 45 67", "070-123 45 67"),
    ("+46 (0)70-123 45 67", "070-123 45 67"),
    ("0046701234567", "070-123 45 67"),
    ("08-123 456", "08-12 34 56"),
    ("063-14 20 00", "063-14 20 00"),
    ("0647 12345", "0647-123 45"),
    # Foreign numbers keep the groups as typed, one space apart, led by +.
    ("+47 22 33 44 55", "+47 22 33 44 55"),
    ("0047-22334455", "+47 22334455"),
    ("+358 (40) 123.4567", "+358 40 123 4567"),
])
def test_phone_numbers_normalise(typed, normalised):
    assert normalise_phone(typed) == normalised


@pytest.mark.parametrize("typed", ["", "12345", "070-12", "0701234567890", "ring mig", "=070", "+1 2"])
def test_phone_rejections(typed):
    with pytest.raises(InvalidValue) as problem:
        normalise_phone(typed)
    assert "till exempel" in str(problem.value)


def test_email_is_checked_without_dns():
    assert normalise_email(" anna@Example.SE ") == "anna@example.se"
    for bad in ("", "anna", "anna@", "@example.se", "anna@@example.se", "<a>@example.se"):
        with pytest.raises(InvalidValue, match="till exempel namn@foretag.se"):
            normalise_email(bad)
