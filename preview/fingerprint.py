"""Fingerprints of what a template reads, so unchanged pages need not be rendered.

A page's key is a digest of the template's name and of every context variable
the template (or anything it extends, includes or imports) mentions. Content
objects are fingerprinted by their source file's bytes plus the attributes the
build attached to them (neighbours, call state, ...), one level deep, so an edit
re-renders exactly the pages that show the edited post or one of its
neighbours. Anything we cannot fingerprint faithfully gets a fresh token,
which means "render it": being wrong there would break the promise that a
preview equals a full build.
"""

import datetime
import itertools

from jinja2 import meta
from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

from preview.pelican_adapter import CONTENT_INTERNALS, raw_body
from preview.sources import LINK_MARKERS, digest_text

_volatile = itertools.count()


def template_variables(environment, template_name, _seen=None):
    """Return every top-level name a template and the templates it pulls in read."""
    seen = set() if _seen is None else _seen
    if template_name in seen:
        return set()
    seen.add(template_name)
    source, _, _ = environment.loader.get_source(environment, template_name)
    tree = environment.parse(source)
    names = set(meta.find_undeclared_variables(tree))
    for referenced in meta.find_referenced_templates(tree):
        if referenced is None:  # a computed name: we cannot follow it, so read everything
            names.add("*")
            continue
        names |= template_variables(environment, referenced, seen)
    return names


def template_mentions(environment, template_name, text, _seen=None):
    """True if `text` occurs in the template's source or in any template it pulls in."""
    seen = set() if _seen is None else _seen
    if template_name in seen:
        return False
    seen.add(template_name)
    source, _, _ = environment.loader.get_source(environment, template_name)
    if text in source:
        return True
    for referenced in meta.find_referenced_templates(environment.parse(source)):
        if referenced is None or template_mentions(environment, referenced, text, seen):
            return True
    return False


class ContentMemo:
    """Fingerprints of Content objects, which may outlive one Fingerprinter.

    An in-place edit changes a few known objects; the engine forgets those
    (and the objects pointing at them) and keeps the rest. Each entry holds
    its object, so its id cannot be reused by another while remembered.
    """

    def __init__(self):
        self._entries = {}  # id(Content) -> (Content, fingerprint)

    def get(self, content, compute):
        entry = self._entries.get(id(content))
        if entry is None or entry[0] is not content:
            entry = (content, compute(content))
            self._entries[id(content)] = entry
        return entry[1]

    def forget(self, contents):
        for content in contents:
            self._entries.pop(id(content), None)


class Fingerprinter:
    """Digests of context values for one build; memoised per object identity."""

    def __init__(self, shared_context, source_digest, url_map_digest, content_memo=None):
        self._shared = shared_context  # the context every page starts from
        self._source_digest = source_digest  # callable: source path -> str or None
        self._url_map_digest = url_map_digest  # callable: () -> str
        self._memo = {}
        self._content_memo = ContentMemo() if content_memo is None else content_memo
        self._shared_memo = {}  # name -> fingerprint of the shared context's value
        self._keepalive = []  # ids are only unique while their objects live

    def key(self, template_name, variables, localcontext):
        """Digest of everything the named template can read from this context."""
        if "*" in variables:
            variables = localcontext.keys()
        parts = [template_name]
        for name in sorted(variables):
            value = localcontext.get(name, _Missing)
            parts.append(name)
            if localcontext.get(name + "_page") is not None:
                # Pelican hands a paginated page the whole list too; the page
                # shows its own slice (fingerprinted via <name>_page), so of the
                # whole list only which items it holds, in which order, counts.
                parts.append(self._membership(value))
            elif value is self._shared.get(name, _Missing):
                if name not in self._shared_memo:
                    self._shared_memo[name] = self.of(value)
                parts.append(self._shared_memo[name])
            else:
                parts.append(self.of(value))
        return digest_text("\0".join(parts))

    def sources(self, variables, localcontext):
        """The source paths a page's variables show, as a tuple of frozensets.

        Content objects count with their neighbours; lists, tuples, sets and
        dict values are searched a few levels deep (tags: {tag: [articles]},
        categories: [(category, [articles])]).
        """
        if "*" in variables:
            variables = localcontext.keys()
        found = []
        for name in variables:
            value = localcontext.get(name)
            if isinstance(value, (Content, Page, list, tuple, set, frozenset, dict)):
                found.append(self._memoised(value, "sources", lambda v: frozenset(self._collect_sources(v, 3))))
        return tuple(found)

    def _collect_sources(self, value, depth):
        if isinstance(value, Content):
            yield value.source_path
            yield from (v.source_path for v in vars(value).values() if isinstance(v, Content))
            return
        if depth == 0:
            return
        if isinstance(value, Page):
            value = value.object_list
        elif isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, (list, tuple, set, frozenset)):
            return
        for item in value:
            if isinstance(item, Content):
                yield item.source_path  # a list shows its items, not their neighbours
            else:
                yield from self._collect_sources(item, depth - 1)

    def _membership(self, items):
        return self._memoised(items, "members", lambda v: digest_text("\0".join(
            str(getattr(x, "source_path", x)) for x in v)))

    def of(self, value, shallow=False):
        """Fingerprint one value (str); `shallow` stops at nested Content objects."""
        if value is None or isinstance(value, (bool, int, float, str, bytes)):
            return repr(value)
        if isinstance(value, (datetime.date, datetime.time)):
            return f"{type(value).__name__}:{value.isoformat()}:{getattr(value, 'tzinfo', None)}"
        if value is _Missing:
            return "<missing>"
        if isinstance(value, URLWrapper):
            return f"{type(value).__name__}:{value.name}:{value.slug}"
        if isinstance(value, Content):
            return self._content_reference(value) if shallow else self._deep_content(value)
        if isinstance(value, Page):
            return self._memoised(value, False, self._page)
        if isinstance(value, Paginator):
            return f"Paginator:{value.name}:{value.count}:{value.num_pages}:{value.per_page}"
        if isinstance(value, (list, tuple)):
            return self._memoised(value, shallow, lambda v: digest_text("\0".join(self.of(x, shallow) for x in v)))
        if isinstance(value, (set, frozenset)):
            return digest_text("\0".join(sorted(self.of(x, shallow) for x in value)))
        if isinstance(value, dict):
            return self._memoised(value, shallow, lambda v: self._mapping(v, shallow))
        if callable(value):
            name = getattr(value, "__qualname__", None)
            return f"callable:{getattr(value, '__module__', '')}.{name}" if name else self._unknown()
        text = repr(value)
        return self._unknown() if " at 0x" in text else f"{type(value).__name__}:{text}"

    def _memoised(self, value, shallow, compute):
        key = (id(value), shallow)
        if key not in self._memo:
            self._keepalive.append(value)
            self._memo[key] = compute(value)
        return self._memo[key]

    def _mapping(self, mapping, shallow):
        items = sorted((repr(k), self.of(v, shallow)) for k, v in mapping.items())
        return digest_text("\0".join(f"{k}={v}" for k, v in items))

    def _content_reference(self, content):
        source = self._source_digest(content.source_path) or self._unknown()
        return f"{type(content).__name__}:{content.source_path}:{source}"

    def _deep_content(self, content):
        return self._content_memo.get(content, self._content)

    def _content(self, content):
        parts = [self._content_reference(content)]
        for name, value in sorted(vars(content).items()):
            if name not in CONTENT_INTERNALS:
                parts.append(f"{name}={self.of(value, shallow=True)}")
        raw = raw_body(content)
        if any(marker in raw for marker in LINK_MARKERS):
            parts.append(self._url_map_digest())
        return digest_text("\0".join(parts))

    def _page(self, page):
        return f"Page:{page.full_name}:{page.number}:{self.of(page.paginator)}:{self.of(page.object_list)}"

    @staticmethod
    def _unknown():
        return f"<volatile {next(_volatile)}>"


class _Missing:
    pass

