"""Cache headers for the map's files, so that a returning visitor does not fetch them again.

Streamlit serves ``static/`` (``/app/static/...``) with no ``Cache-Control`` and the map
component's script with ``Cache-Control: public`` only. :class:`CacheHeaders`, an ASGI
middleware that :mod:`origin_map.app.launch` adds to Streamlit's server, sets a long
``Cache-Control`` on files whose name changes with their content (the map bundles in
``/app/static/bundle/``, the component's ``static/js/main.<hash>.js``: a year, ``immutable``)
and a day on the vendored files (``/app/static/vendor/``, pinned versions). Compression is
Streamlit's own (its gzip middleware covers ``/app/static``).

(A ``Link: rel=preload`` header on pages, to fetch the map's files while Streamlit starts, was
measured with ``benchmarks/first_visit.py`` and left out: it did not draw the map sooner and
delayed the page's own scripts.)

:class:`PageHints` tells Streamlit's front end where its server is when a page is opened by its
own path (``/map``, a shared link): without it the front end cannot tell a page's name from a
base path, asks ``/map/_stcore/health`` first, gets a 404 and tries ``/`` after a back-off
(~0.2 s of a first visit, ``benchmarks/first_visit.py``). The hint is Streamlit's own
``window.__streamlit.BACKEND_BASE_URL``, computed in the browser from the page's address (so it
holds behind a proxy that adds a path prefix) and only when the address ends with one of the
app's page paths; any other address is left to Streamlit's search. With the hint go
``<link rel="modulepreload">`` tags for the few chunks of Streamlit's front end that it loads only
when the first element of their kind arrives (:func:`preload_chunks`: the map component's frame
and the toggle of the Map page): fetched and compiled while the front end starts, instead of
one after another once the page's first messages have come. This module does not import
streamlit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["CacheHeaders", "PageHints", "cache_control", "hint_script", "preload_chunks"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]],
                    Callable[[Message], Awaitable[None]]], Awaitable[None]]

YEAR = "public, max-age=31536000, immutable"
DAY = "public, max-age=86400"
_COMPONENT = "/component/streamlit_folium.st_folium/"


def cache_control(path: str) -> str | None:
    """Return the ``Cache-Control`` for a path served by the app, or None to leave it as is."""
    if path.startswith("/app/static/bundle/"):
        return YEAR  # named after their content (origin_map.render.bundle)
    if path.startswith(_COMPONENT + "static/js/main."):
        return YEAR  # webpack names it after its content
    if path.startswith("/app/static/vendor/"):
        return DAY  # pinned versions, names without a hash
    return None


class CacheHeaders:
    """ASGI middleware: :func:`cache_control` on the files it names (successful responses).

    Parameters
    ----------
    app : ASGI application
        The server's application (Streamlit's Starlette app, inside its own middleware).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        """Serve the request, adding ``Cache-Control`` to a successful response."""
        cache = cache_control(scope.get("path", "")) if scope.get("type") == "http" else None
        if cache is None:
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message.get("type") == "http.response.start" and message.get("status") == 200:
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() != b"cache-control"]
                message = {**message, "headers": [*headers, (b"cache-control", cache.encode())]}
            await send(message)

        await self.app(scope, receive, send_with_header)


def hint_script(pages: tuple[str, ...]) -> str:
    """Return the ``<script>`` that sets Streamlit's server address for a page's own path.

    In the browser: when the address's last path segment is one of ``pages``, the server is the
    address without it (``/map`` → ``/``, ``/origin/map`` → ``/origin/``); otherwise the script
    sets nothing and Streamlit searches as it does without it.

    >>> "BACKEND_BASE_URL" in hint_script(("map", "about"))
    True
    """
    names = json.dumps(sorted(pages))
    return ("<script>(function(){var p=location.pathname.replace(/\\/+$/,''),"
            "i=p.lastIndexOf('/');if(" + names + ".indexOf(p.slice(i+1))<0)return;"
            "window.__streamlit=Object.assign({},window.__streamlit,"
            "{BACKEND_BASE_URL:location.origin+p.slice(0,i+1)});})();</script>")


_IMPORT = re.compile(r'(?:from|import)\s*"\./([\w.$-]+\.js)"')
_PRELOADED = re.compile(r'(?:href|src)="\./static/js/([\w.$-]+\.js)"')


def preload_chunks(static_dir: Path, elements: Sequence[str]) -> tuple[str, ...]:
    """Return the chunks to preload for ``elements`` of Streamlit's front end, page-relative.

    ``static_dir`` is Streamlit's ``static`` folder (``index.html``, ``static/js/``). Each name
    in ``elements`` (e.g. ``"ComponentInstance"``) is the chunk ``static/js/<name>.<hash>.js``;
    the result holds it and the chunks it imports, directly or not, that ``index.html`` does not
    load or preload already, as ``./static/js/...`` paths. A name with no chunk (another
    Streamlit version) is skipped: a missing preload only costs the time it would have saved.
    """
    js = static_dir / "static" / "js"
    try:
        known = set(_PRELOADED.findall((static_dir / "index.html").read_text("utf-8")))
        files = {f.name: f for f in js.glob("*.js")}
    except OSError:
        return ()
    todo = [n for e in elements for n in sorted(files) if n.split(".", 1)[0] == e]
    found: list[str] = []
    while todo:
        name = todo.pop(0)
        if name in known or name in found or name not in files:
            continue
        found.append(name)
        todo += _IMPORT.findall(files[name].read_text("utf-8", errors="replace")[:20_000])
    return tuple(f"./static/js/{n}" for n in found)


_FIRST_SCRIPT = re.compile(rb"<script\b", re.IGNORECASE)
_DROPPED = {b"content-length", b"etag", b"last-modified"}


class PageHints:
    """ASGI middleware: :func:`hint_script` in the app's page (Streamlit's ``index.html``).

    Only successful ``text/html`` answers to GET of the app's root or of an address that ends
    with a page path are changed (never the map component's own page, HTML too): the script
    goes before the page's first ``<script>``, ``Content-Length`` is recomputed and the
    validators (``ETag``, ``Last-Modified``, those of Streamlit's unchanged file) are dropped,
    so that a browser never keeps a page whose hint differs. Anything else passes through
    untouched.

    Parameters
    ----------
    app : ASGI application
        The server's application.
    pages : tuple of str
        The app's page paths (``origin_map.app.PAGES``' url paths).
    preload : tuple of str
        Page-relative module paths to preload (:func:`preload_chunks`).
    """

    def __init__(self, app: ASGIApp, pages: tuple[str, ...] = (),
                 preload: tuple[str, ...] = ()) -> None:
        self.app = app
        self.pages = {*pages, ""}  # "": the app's root (its default page)
        links = "".join(f'<link rel="modulepreload" crossorigin href="{u}">' for u in preload)
        self.script = (hint_script(pages) + links).encode() if pages else b""

    def _wants(self, scope: Scope) -> bool:
        path = scope.get("path", "")
        return (bool(self.script) and scope.get("type") == "http"
                and scope.get("method") == "GET" and "/component/" not in path
                and path.rstrip("/").rsplit("/", 1)[-1] in self.pages)

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        """Serve the request; an HTML page gets the hint."""
        if not self._wants(scope):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body: list[bytes] = []

        async def hold(message: Message) -> None:
            nonlocal start
            if message.get("type") == "http.response.start" and start is None:
                got = {k.lower(): v for k, v in message.get("headers", [])}
                if (message.get("status") == 200
                        and got.get(b"content-type", b"").startswith(b"text/html")
                        and b"content-encoding" not in got):
                    start = message
                    return
            elif start is not None and message.get("type") == "http.response.body":
                body.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                page = _FIRST_SCRIPT.sub(lambda m: self.script + m.group(0), b"".join(body),
                                         count=1)
                headers = [(k, v) for k, v in start.get("headers", [])
                           if k.lower() not in _DROPPED]
                await send({**start, "headers": [*headers, (b"content-length",
                                                            str(len(page)).encode())]})
                await send({"type": "http.response.body", "body": page, "more_body": False})
                return
            await send(message)

        await self.app(scope, receive, hold)
