"""Fixtures for the editor (/admin/) tests: the project is installed (pip install -e .), so nothing to set up here."""
