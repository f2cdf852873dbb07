"""Absolute URLs where the standards demand them, without making SITEURL absolute.

Local builds keep SITEURL empty so every link works on whatever port the site
is served from; canonical links, og:url, og:image, sitemap <loc> and
robots.txt's Sitemap line use the PUBLIC_SITEURL setting instead (see
pelicanconf.py). pelican-sitemap has no setting of its own for the base of
<loc>: it reads SITEURL from the settings it is handed, so it is handed a copy
with the public base.
"""

from types import SimpleNamespace


def sitemap_uses_public_base():
    """Make pelican-sitemap write <loc> (and its hreflang links) with PUBLIC_SITEURL."""
    try:
        from pelican.plugins.sitemap import sitemap
    except ImportError:
        return
    generator = getattr(sitemap, "generator", None)
    if generator is None or getattr(generator, "_sim_public_base", False):
        return
    write_out = generator._write_out

    def write_with_public_base(pelican):
        settings = dict(pelican.settings, SITEURL=pelican.settings.get("PUBLIC_SITEURL") or pelican.settings["SITEURL"])
        write_out(SimpleNamespace(output_path=pelican.output_path, settings=settings))

    generator._write_out = write_with_public_base
    generator._sim_public_base = True
