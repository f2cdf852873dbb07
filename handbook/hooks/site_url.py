"""mkdocs hook: publish the handbook under /handbok/ of the site's address.

The code lives in sitebuild/handbook_hooks.py (importable, tested there);
mkdocs loads hooks by file, so this file only hands it the event.
"""

from sitebuild.handbook_hooks import on_config  # noqa: F401
