"""Slugs: å/ä→a, ö→o, and the same result as Pelican with our settings."""

import pytest
from sim_content.slugs import slugify


@pytest.mark.parametrize(("title", "slug"), [
    ("Årets största ökning", "arets-storsta-okning"),
    ("Tillväxtkartläggning/Kompetensinventering", "tillvaxtkartlaggning-kompetensinventering"),
    ("Industri 4.0", "industri-4-0"),
    ("IUC Z-GROUP", "iuc-z-group"),
    ("  Många   mellanslag -- och streck  ", "manga-mellanslag-och-streck"),
    ("ÅÄÖ åäö", "aao-aao"),
    ('<script>alert("x")</script> Räksmörgås', "alertx-raksmorgas"),
    ("!!!", ""),
    ("– Nyhet –", "nyhet"),
    ("–––", ""),
])
def test_transliterates_and_cleans(title, slug):
    assert slugify(title) == slug


def test_built_site_uses_the_same_slugs(built_site):
    assert (built_site / "nyheter" / "kategori" / "industri-4-0" / "index.html").is_file()
    assert (built_site / "nyheter" / "forfattare" / "marlene-magnussen" / "index.html").is_file()
    assert (built_site / "insatsomraden" / "tillvaxtkartlaggning-kompetensinventering" / "index.html").is_file()
