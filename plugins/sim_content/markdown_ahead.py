"""A large site's Markdown converted before Pelican reads it, on two cores at once.

Pelican reads content files one after another, and converting their Markdown
is most of that time. When the memo (markdown_memo) lacks many texts, as in a
cold build, the files are split into chunks: a worker process (spawned, as for
the cards) takes chunks from the end of the list while this process converts
from the start, until they meet. Pelican then finds every text in the memo.
Both sides convert with the reader's own class and settings, so the HTML is
what Pelican would have produced; a text they extract differently is simply
converted again by Pelican. Small sites skip this: starting a worker costs
more than it saves.
"""

import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import yaml
from pelican.plugins.yaml_metadata.yaml_metadata import HEADER_RE
from pelican.utils import pelican_open

from .front_matter_reader import FrontMatterReader
from .headers import FAST_SAFE_LOADER
from .markdown_memo import IMAGE_FOLDER, digest

log = logging.getLogger(__name__)

AHEAD_MIN_FILES = 200
CHUNK_FILES = 50


def content_files(settings):
    """The Markdown files Pelican will read (articles, then pages), in a fixed order."""
    base = settings["PATH"]
    found = []
    for folder in (*settings["ARTICLE_PATHS"], *settings["PAGE_PATHS"]):
        for root, dirs, files in os.walk(os.path.join(base, folder)):
            dirs[:] = sorted(name for name in dirs if not name.startswith("."))
            found.extend(os.path.join(root, name) for name in sorted(files)
                         if name.endswith(".md") and not name.startswith("."))
    return found


def texts_of(path, formatted_fields):
    """The texts FrontMatterReader converts for `path`: its body, then each formatted field."""
    with pelican_open(path) as text:
        found = HEADER_RE.fullmatch(text)
    if not found:
        return []
    metadata = yaml.load(found.group("metadata"), Loader=FAST_SAFE_LOADER)  # noqa: S506 (a safe loader)
    texts = [found.group("content")]
    for name, value in (metadata.items() if isinstance(metadata, dict) else ()):
        if value is None or str(name).lower() not in formatted_fields:
            continue
        if isinstance(value, list):  # as pelican-yaml-metadata joins them
            value = "\n".join(item for item in value if item is not None)
        texts.append(str(value))
    return texts


def convert_files(markdown_settings, formatted_fields, paths):
    """{digest of text: HTML} for the files at `paths`; runs here or in the worker."""
    reader = FrontMatterReader({"MARKDOWN": markdown_settings, "MARKDOWN_CACHE": ""})
    converted = {}
    for path in paths:
        try:
            texts = texts_of(path, formatted_fields)
        except (OSError, ValueError, TypeError, yaml.YAMLError):
            continue  # Pelican reads it and reports what is wrong
        for text in texts:
            if IMAGE_FOLDER not in text:
                converted[digest(text)] = reader._md.reset().convert(text)
    return converted


def convert_ahead(settings, memo, min_files=AHEAD_MIN_FILES):
    """Fill `memo` with the HTML of every content text it lacks, on this core and one more."""
    formatted_fields = frozenset(field.lower() for field in settings["FORMATTED_FIELDS"])
    markdown_settings = settings["MARKDOWN"]
    paths = content_files(settings)
    # Every file has at least one text, so a memo with fewer entries than half the
    # files is cold (a first build, a cleared cache); a warm one needs no help.
    if len(paths) < min_files or len(memo.html) >= len(paths) // 2 or (os.cpu_count() or 1) < 2:
        return 0
    chunks = [paths[start:start + CHUNK_FILES] for start in range(0, len(paths), CHUNK_FILES)]
    converted = {}
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        # The worker starts from the last chunk; this process from the first.
        futures = {index: pool.submit(convert_files, markdown_settings, formatted_fields, chunks[index])
                   for index in reversed(range(len(chunks)))}
        for index, chunk in enumerate(chunks):
            if not futures[index].cancel():
                break  # the worker has this chunk and every one after it
            del futures[index]
            converted.update(convert_files(markdown_settings, formatted_fields, chunk))
        for future in futures.values():
            try:
                converted.update(future.result())
            except Exception as error:  # noqa: BLE001 – Pelican converts what is missing itself
                log.warning("Converting Markdown ahead failed in the worker (%s); Pelican converts it", error)
    memo.absorb(converted)
    return len(converted)
