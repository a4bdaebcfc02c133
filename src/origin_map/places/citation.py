"""What a reader sees as a place's source: publications and links, never a repository path.

Source texts in the data keep the research trail (a file in the project's or another
repository where an extract is kept). A reader is shown :func:`public_source`: the same text
without those paths, so what is left names the publication, its date and its link.
"""

from __future__ import annotations

import re

__all__ = ["public_source"]

_PATH = re.compile(
    r"(?<![\w/.:@#-])(?:[\w.\u4e00-\u9fff-]+/)+[\w.\u4e00-\u9fff-]+"
    r"\.(?:txt|md|csv|tsv|json|geojson|gpkg|py|ipynb|pdf|html?|xlsx|ya?ml|toml|m?js|ts|osm|sql)\b")
"""A relative file path (``a/b/c.txt``); a URL's path never matches (it follows ``/`` or ``.``)."""
_TIDY = (
    (re.compile(r"\(\s*\)"), ""),  # brackets left empty
    (re.compile(r"\s*:\s*(?=[;,)]|$)"), ""),  # "article: ;" -> "article;"
    (re.compile(r"\s+([;,)])"), r"\1"),
    (re.compile(r"([;,])(?:\s*[;,])+"), r"\1"),
    (re.compile(r"\(\s+"), "("),
    (re.compile(r"\s{2,}"), " "),
)


def public_source(text: object) -> str:
    """Return a source text as a reader should see it: without file paths of repositories.

    >>> public_source("智东西, Feb 2025, article: shared/seed/000_1.txt; mirror http://a.cn/b/c.html")
    '智东西, Feb 2025, article; mirror http://a.cn/b/c.html'
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    out = _PATH.sub("", str(text))
    for rx, repl in _TIDY:
        out = rx.sub(repl, out)
    return out.strip(" ;,:")
