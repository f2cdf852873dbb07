"""The site build: Pelican, search index, handbook, atomic swap, scaffold and the local site app."""
