"""mkdocs hook: generate the Fältreferens page from the content schema.

The code lives in sitebuild/handbook_hooks.py (importable, tested there);
mkdocs loads hooks by file, so this file only hands it the event.
"""

from sitebuild.handbook_hooks import on_page_markdown  # noqa: F401
