"""Slugs as the site writes them: ASCII, lower case, å/ä→a and ö→o.

Pelican's slugify already folds å, ä and ö through unidecode; these
substitutions add what Swedish titles need on top: "/" and "." become word
breaks, so "Tillväxtkartläggning/Kompetensinventering" and "Industri 4.0"
keep their parts apart instead of gluing them together.
"""

from pelican.utils import slugify as _pelican_slugify

SLUG_SUBSTITUTIONS = [
    (r"[/.]", " "),
    (r"[^\w\s-]", ""),
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s]+", "-"),
    (r"\A-+|-+\Z", ""),  # "– Nyhet –" must not give "-nyhet-"
]


def slugify(text):
    """Return the URL slug Pelican will give `text` with our settings."""
    return _pelican_slugify(text, regex_subs=SLUG_SUBSTITUTIONS)
