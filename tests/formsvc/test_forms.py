from formsvc import forms
from sim_content import schema


def test_areas_agree_with_the_content_schema():
    # formsvc keeps its own copy (it must not import the site's code); the
    # test, which may, checks the two never drift apart.
    assert forms.AREAS == schema.AREAS


def test_municipalities_are_the_eight_in_the_county_plus_annan():
    assert len(forms.MUNICIPALITIES) == 9 and forms.MUNICIPALITIES[-1] == "Annan"
    assert {"Berg", "Bräcke", "Härjedalen", "Krokom", "Ragunda", "Strömsund", "Åre", "Östersund"} < set(forms.MUNICIPALITIES)


def test_single_line_filter_flattens_line_breaks_and_drops_controls():
    assert forms.single_line("  a\r\nb\tc\x00d\x7f ") == "a b cd"


def test_multi_line_filter_keeps_line_breaks_as_newlines():
    assert forms.multi_line("rad 1\r\nrad 2\rrad 3\x00") == "rad 1\nrad 2\nrad 3"
