"""Check and normalise what people type: text, organisation numbers, phone numbers, e-mail.

Each function returns the normalised value or raises InvalidValue with a
Swedish message that says how to get it right.
"""

import re

from email_validator import EmailNotValidError, validate_email

ORG_NUMBER_EXAMPLE = "556036-0793"
PHONE_EXAMPLE = "070-123 45 67"

# Three-digit Swedish area codes (with the trunk 0); 08 is the only two-digit
# one and every other geographic code has four digits. Mobile prefixes 07x are
# three digits as well.
THREE_DIGIT_PREFIXES = frozenset(
    "010 011 013 016 018 019 020 021 023 026 031 033 035 036 040 042 044 046 054 "
    "060 063 070 072 073 074 076 077 079 090".split()
)


# C0 controls, DEL, lone surrogates and the noncharacters U+FFFE/U+FFFF: none
# belongs in a name or a message, and the last three break XML (the workbook).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def single_line(value):
    """Collapse line breaks and tabs to spaces and drop other control characters."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", re.sub(r"[\t\r\n]+", " ", value)).strip()


def multi_line(value):
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


class InvalidValue(ValueError):
    """A value a person typed that cannot be accepted; str() is the Swedish message."""


def luhn_valid(digits):
    """Luhn check over a string of digits (weights 2, 1, 2, … from the left for 10 digits)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def normalise_org_number(raw):
    """'5560360793', '556036-0793' or '16556036-0793' → '556036-0793'.

    Sole traders sign up with their personnummer, which follows the same
    10-digit Luhn rule, so the third and fourth digits are not required to be
    20 or more (that rule only holds for legal persons).
    """
    compact = re.sub(r"[\s\-]", "", raw or "")
    if not compact:
        raise InvalidValue(f"Skriv organisationsnumret, till exempel {ORG_NUMBER_EXAMPLE}")
    if len(compact) == 12 and compact.startswith("16"):
        compact = compact[2:]
    if not compact.isascii() or not compact.isdigit() or len(compact) != 10:
        raise InvalidValue(
            f"Skriv organisationsnumret med 10 siffror, till exempel {ORG_NUMBER_EXAMPLE}"
        )
    if not luhn_valid(compact):
        raise InvalidValue(
            "Organisationsnumret stämmer inte – kontrollera att alla siffror är rätt, "
            f"till exempel {ORG_NUMBER_EXAMPLE}"
        )
    return f"{compact[:6]}-{compact[6:]}"


def _group_subscriber_number(digits):
    """Pairs from the right, led by a group of three when the count is odd:
    1234567 → '123 45 67', 123456 → '12 34 56'."""
    head_length = 3 if len(digits) % 2 else 2
    if len(digits) <= 3:
        return digits
    pairs = [digits[i:i + 2] for i in range(head_length, len(digits), 2)]
    return " ".join([digits[:head_length], *pairs])


def normalise_phone(raw):
    """Swedish numbers → national form with area code, e.g. '070-123 45 67',
    '08-12 34 56', '063-14 20 00', '0647-123 45'. Numbers from other countries
    keep their digit groups as typed, led by + and the country code:
    '+47 123 45 678', '0047-12345678' → '+47 12345678'.

    National form is what staff dial and read. Either form is declared PLAIN
    in fields.py, so the staff sheet shows it without a neutralising apostrophe.
    """
    text = (raw or "").strip()
    if not text:
        raise InvalidValue(f"Skriv ett telefonnummer, till exempel {PHONE_EXAMPLE}")
    if re.search(r"[^\d\s\-+()/.]", text) or not text.isascii():
        raise InvalidValue(
            f"Skriv telefonnumret med siffror, till exempel {PHONE_EXAMPLE} eller +46 70 123 45 67"
        )
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") or digits.startswith("00"):
        digits = digits[2:] if digits.startswith("00") else digits
        if not digits.startswith("46"):
            if not 7 <= len(digits) <= 15:
                raise InvalidValue("Ett utländskt nummer ska ha landsnummer och 7–15 siffror, till exempel +47 123 45 678")
            return _international_as_typed(text)
        digits = "0" + digits[2:].removeprefix("0")  # "+46 (0)70…" is a common mix-up
    if not digits.startswith("0") or not 8 <= len(digits) <= 10 or digits.startswith("00"):
        raise InvalidValue(
            f"Skriv ett svenskt telefonnummer med riktnummer, till exempel {PHONE_EXAMPLE}"
        )
    if digits.startswith("08"):
        prefix_length = 2
    elif digits[:3] in THREE_DIGIT_PREFIXES:
        prefix_length = 3
    else:
        prefix_length = 4
    return f"{digits[:prefix_length]}-{_group_subscriber_number(digits[prefix_length:])}"


def _international_as_typed(text):
    """'+47 (123) 45-678' → '+47 123 45 678': the person's grouping, one space between groups."""
    groups = re.findall(r"\d+", text)
    if not text.startswith("+"):
        groups[0] = groups[0][2:]  # the 00 that dials abroad
    return "+" + " ".join(group for group in groups if group)


def normalise_email(raw):
    """Syntax check only (no DNS: the form must not wait on the network)."""
    text = (raw or "").strip()
    if not text:
        raise InvalidValue("Skriv en e-postadress, till exempel namn@foretag.se")
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidValue(
            "Skriv e-postadressen i rätt format, till exempel namn@foretag.se"
        ) from None
