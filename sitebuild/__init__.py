"""Build steps behind build.py that are not Pelican plugins."""
