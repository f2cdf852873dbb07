"""Content images: width/height, srcset/sizes, lazy loading.

Why our own and not pelican-image-process (3.4.0): that plugin re-parses and
rewrites every written HTML file on `content_written` (a BeautifulSoup pass
per page, with or without images, against our build-time budget), only
touches images the author marks with a class, adds no loading="lazy", and
its signal is muted in the live preview's fast path, so preview and full
build would differ. Here a Markdown tree processor adjusts each <img> while
the body is converted, which costs nothing for pages without images.

For a raster image under content/images/ wider than the smallest width in
WIDTHS, smaller copies are listed in srcset as /images/derivat/<name>-<w>w.<ext>.
They are drawn once into cache/images/ (named by the source's sha256 and the
width) and copied into the output at `finalized`, found by scanning the
rendered bodies, so the preview (which reuses unchanged bodies) writes the
same files as a full build.
"""

import hashlib
import os
import re
from pathlib import Path

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from pelican import signals
from PIL import Image

from .og_cards import place_file

WIDTHS = (480, 960)
# The text column is at most 46rem (736 px); below that, the viewport minus the gutters.
SIZES = "(min-width: 48rem) 736px, calc(100vw - 2rem)"
RASTER = {".jpg", ".jpeg", ".png", ".webp"}
DERIVATIVE_FOLDER = "images/derivat"
SOURCE_PREFIXES = ("{static}/", "{attach}/", "{filename}/", "/")
DERIVATIVE_URL = re.compile(r"/images/derivat/([^\s\"',]+)-(\d+)w(\.[a-z]+)")


def content_file(src, content_dir):
    """The file under content/ an <img src> names, or None for other hosts and missing files."""
    for prefix in SOURCE_PREFIXES:
        if src.startswith(prefix):
            src = src[len(prefix):]
            break
    if "://" in src or src.startswith("//") or not src.startswith("images/"):
        return None
    path = (content_dir / src).resolve()
    return path if path.is_file() and content_dir.resolve() in path.parents else None


def derivative_name(relative, width):
    """images/derivat/<path without images/ and suffix>-<width>w<suffix>."""
    stem = Path(relative).relative_to("images").with_suffix("").as_posix()
    return f"{DERIVATIVE_FOLDER}/{stem}-{width}w{Path(relative).suffix.lower()}"


class ResponsiveImageProcessor(Treeprocessor):
    def __init__(self, md, content_dir, siteurl):
        super().__init__(md)
        self.content_dir = Path(content_dir)
        self.siteurl = siteurl

    def run(self, root):
        for img in root.iter("img"):
            img.set("loading", "lazy")
            img.set("decoding", "async")
            path = content_file(img.get("src", ""), self.content_dir)
            if path is None or path.suffix.lower() not in RASTER:
                continue
            with Image.open(path) as image:  # reads the header only
                width, height = image.size
            if not img.get("width") and not img.get("height"):
                img.set("width", str(width))
                img.set("height", str(height))
            smaller = [w for w in WIDTHS if w < width]
            if smaller:
                relative = path.relative_to(self.content_dir.resolve()).as_posix()
                entries = [f"{self.siteurl}/{derivative_name(relative, w)} {w}w" for w in smaller]
                entries.append(f"{self.siteurl}/{relative} {width}w")
                img.set("srcset", ", ".join(entries))
                img.set("sizes", SIZES)


class ResponsiveImages(Extension):
    def __init__(self, content_dir, siteurl):
        super().__init__()
        self.content_dir = content_dir
        self.siteurl = siteurl

    def __repr__(self):
        # Stable across builds: the preview fingerprints settings by their text.
        return f"ResponsiveImages({self.content_dir.as_posix()!r}, {self.siteurl!r})"

    def extendMarkdown(self, md):
        # After inline patterns (priority 20) have turned ![](...) into <img>.
        md.treeprocessors.register(ResponsiveImageProcessor(md, self.content_dir, self.siteurl), "sim_images", 5)


def draw_derivative(source, width, cache_dir):
    """Path of `source` scaled to `width` px in the cache, drawn if it is not there yet."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:20]
    cached = cache_dir / f"{digest}-{width}w{source.suffix.lower()}"
    if not cached.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        with Image.open(source) as image:
            height = round(image.height * width / image.width)
            smaller = image.resize((width, height), Image.Resampling.LANCZOS)
            temporary = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
            options = {"quality": 82, "optimize": True} if source.suffix.lower() in {".jpg", ".jpeg"} else {"optimize": True}
            smaller.save(temporary, format=image.format, **options)
        os.replace(temporary, cached)
    return cached


def write_derivatives(generators, output):
    """Link every derivative a rendered body refers to into `output`."""
    settings = generators[0].settings
    content_dir = Path(settings["PATH"])
    cache_dir = Path(settings.get("IMAGE_CACHE") or content_dir.parent / "cache" / "images")
    wanted = set()
    for generator in generators:
        for name in ("articles", "translations", "drafts", "pages", "hidden_pages", "draft_pages"):
            for content in getattr(generator, name, ()):
                body = getattr(content, "_content", "") or ""
                if "/images/derivat/" in body:
                    wanted.update(DERIVATIVE_URL.findall(body))
    for stem, width, suffix in sorted(wanted):
        source = next((p for p in sorted((content_dir / "images").glob(f"{stem}.*")) if p.suffix.lower() == suffix), None)
        if source is None:
            continue
        target = Path(output) / DERIVATIVE_FOLDER / f"{stem}-{width}w{suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        place_file(draw_derivative(source, int(width), cache_dir), target)


def _add_markdown_extension(pelican):
    settings = pelican.settings
    markdown = settings.setdefault("MARKDOWN", {})
    extensions = [e for e in markdown.get("extensions", []) if not isinstance(e, ResponsiveImages)]
    extensions.append(ResponsiveImages(Path(settings["PATH"]), settings["SITEURL"]))
    markdown["extensions"] = extensions


def _remember_generators(generators):
    # finalized only gets the Pelican object; the bodies are in the generators.
    generators[0].settings["SIM_CONTENT_GENERATORS"] = generators


def _write_derivatives(pelican):
    generators = pelican.settings.pop("SIM_CONTENT_GENERATORS", None)
    if generators:
        write_derivatives(generators, pelican.output_path)


def register():
    """Connect to Pelican; called from the plugin's register()."""
    signals.initialized.connect(_add_markdown_extension)
    signals.all_generators_finalized.connect(_remember_generators)
    signals.finalized.connect(_write_derivatives)
