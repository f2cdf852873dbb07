from formsvc import fields, validators


def test_municipalities_are_the_eight_in_the_county_plus_annan():
    assert len(fields.MUNICIPALITIES) == 9 and fields.MUNICIPALITIES[-1] == "Annan"
    assert {"Berg", "Bräcke", "Härjedalen", "Krokom", "Ragunda", "Strömsund", "Åre", "Östersund"} < set(fields.MUNICIPALITIES)


def test_single_line_filter_flattens_line_breaks_and_drops_controls():
    assert validators.single_line("  a\r\nb\tc\x00d\x7f ") == "a b cd"


def test_multi_line_filter_keeps_line_breaks_as_newlines():
    assert validators.multi_line("rad 1\r\nrad 2\rrad 3\x00") == "rad 1\nrad 2\nrad 3"
