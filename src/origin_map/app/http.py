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
delayed the page's own scripts.) This module does not import streamlit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["CacheHeaders", "cache_control"]

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
