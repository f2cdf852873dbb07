"""Pelican settings for a preview: the site's own settings file, folders overridden."""

from pelican.settings import read_settings


def load_settings(config_file, content_dir, output_dir):
    """Read `config_file` (pelicanconf.py) with PATH and OUTPUT_PATH pointing at the given folders."""
    return read_settings(str(config_file), override={"PATH": str(content_dir), "OUTPUT_PATH": str(output_dir)})
