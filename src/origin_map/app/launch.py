"""Run the app with warm caches: ``python -m origin_map.app.launch [streamlit run options]``.

A fresh ``streamlit run app.py`` does its heavy work on the first visit: importing pandas,
geopandas, folium and altair, loading the shipped data, rendering the base map and the first
map layers (~1.5 s on the project's machine). This launcher does that work before the server
starts listening, in the same process, so the caches the sessions use are already filled
(``st.cache_resource`` keeps one store per process) and the first visitor gets the page as fast
as the next ones. ``make run``, ``make serve`` and the load test start the app through it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["FIRST_PAINT", "app_script", "install_headers", "main", "warm"]

#: Streamlit front-end chunks that the Map page's first paint waits for (the map component's
#: frame, the walking-time toggle), preloaded by the page (origin_map.app.http.PageHints)
FIRST_PAINT = ("ComponentInstance", "Checkbox")


def app_script() -> Path:
    """Return the app's entry point: the checkout's ``app.py``, or the installed copy."""
    from origin_map.paths import app_dir

    return app_dir() / "app.py"


def warm() -> None:
    """Import the app's modules and fill the caches of a first visit (default view)."""
    import logging

    # Outside a running app, Streamlit warns that there is no script run context: expected.
    for name in ("streamlit.runtime.caching.cache_data_api",
                 "streamlit.runtime.scriptrunner_utils.script_run_context",
                 "streamlit.runtime.state.session_state_proxy"):
        logging.getLogger(name).setLevel(logging.ERROR)
    from origin_map.app.data import warm_caches
    from origin_map.app.maps import warm_maps

    warm_caches()
    warm_maps()


def install_headers() -> bool:
    """Add :class:`origin_map.app.http.CacheHeaders` and ``PageHints`` to this process's server.

    Streamlit builds its Starlette app with ``create_streamlit_middleware()``; the middleware is
    appended to that list. Returns False (and changes nothing) when this Streamlit has no such
    function: the app then runs as before, only without the headers.
    """
    try:
        from starlette.middleware import Middleware
        from streamlit.web.server.starlette import starlette_app as sa
    except ImportError:
        return False
    original = getattr(sa, "create_streamlit_middleware", None)
    if original is None:
        return False
    if getattr(original, "origin_map", False):
        return True
    import streamlit

    from origin_map.app.http import CacheHeaders, PageHints, preload_chunks
    from origin_map.app.state import PAGES

    pages = tuple(path for _, _, _, path in PAGES)
    chunks = preload_chunks(Path(streamlit.__file__).parent / "static", FIRST_PAINT)

    def with_headers() -> list[Any]:
        return [*original(), Middleware(CacheHeaders),
                Middleware(PageHints, pages=pages, preload=chunks)]

    with_headers.origin_map = True  # type: ignore[attr-defined]
    sa.create_streamlit_middleware = with_headers
    return True


def main(argv: Sequence[str] | None = None) -> None:
    """Warm the caches, then run ``streamlit run app.py`` with ``argv`` in this process.

    ``--script PATH`` (first) names the app's entry point; default :func:`app_script`.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    script = app_script()
    if args[:1] == ["--script"]:
        script, args = Path(args[1]), args[2:]
    warm()
    install_headers()
    from origin_map.app import sessions

    sessions.install()  # a visitor who left is shut down: their files go with them
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(script), *args]
    cli.main()


if __name__ == "__main__":  # pragma: no cover
    main()
