"""Synthetic news posts for the preview benchmark and tests.

The posts satisfy the content schema (known authors and categories, a summary)
so the real plugins accept them next to the real content.
"""

import random
import shutil
from pathlib import Path

from sim_content.headers import read_header
from sim_content.schema import CATEGORIES, CONTENT_DIRS

_WORDS = (
    "produktion digitalisering företag tillväxt kompetens export region verkstad "
    "automation kvalitet leverantör kund investering analys maskin utbildning"
).split()


def copy_content(source, destination):
    """Copy a content folder (the repo's real content) to `destination`; return the copy's path."""
    shutil.copytree(source, destination)
    return Path(destination)


def author_names(content_dir):
    """Names of the authors with a bio file, as news posts must spell them."""
    folder = Path(content_dir) / CONTENT_DIRS["author"]
    return sorted(read_header(path)["title"].value for path in folder.glob("*.md"))


def synthetic_post_path(content_dir, number):
    return Path(content_dir) / CONTENT_DIRS["news"] / f"syntetisk-{number:04d}.md"


def write_synthetic_posts(content_dir, count, seed=1):
    """Add `count` valid news posts to `content_dir`; return their paths."""
    rnd = random.Random(seed)
    authors = author_names(content_dir)
    paths = []
    for number in range(count):
        paragraphs = "\n\n".join(
            " ".join(rnd.choice(_WORDS) for _ in range(60)).capitalize() + "." for _ in range(4)
        )
        header = [
            f"Title: Syntetiskt inlägg {number}",
            f"Date: {2019 + number % 7}-{1 + number % 12:02d}-{1 + number % 28:02d} {number % 24:02d}:{number % 60:02d}",
            f"Author: {authors[number % len(authors)]}",
            f"Category: {CATEGORIES[number % len(CATEGORIES)]}",
            f"Tags: {_WORDS[number % 7]}, {_WORDS[7 + number % 9]}",
            f"Summary: Sammanfattning av syntetiskt inlägg nummer {number}.",
            f"Slug: syntetiskt-inlagg-{number}",
        ]
        path = synthetic_post_path(content_dir, number)
        path.write_text("\n".join(header) + f"\n\n## Avsnitt {number}\n\n{paragraphs}\n", encoding="utf-8")
        paths.append(path)
    return paths


def append_sentence(path, sentence):
    """Simulate an editor saving a body edit."""
    text = Path(path).read_text(encoding="utf-8")
    Path(path).write_text(text.rstrip("\n") + f"\n\n{sentence}\n", encoding="utf-8")
