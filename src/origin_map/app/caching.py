"""Caches of results computed from a dataset: generous for the shipped data, small for uploads.

Every visitor shares the shipped data's results (a few centres, radii and filters: worth keeping
many). An uploaded list has a token of its own (``Dataset.token``), so each upload adds new
entries to every cache keyed by the token, up to the cache's ``max_entries``; with 64–128
entries per cache that was tens of kilobytes per uploading visitor held for the life of the
server process, and tens of megabytes for a large upload (the soak's heavy pass with uploads:
``benchmarks/soak.py``, ``docs/load.md``). :func:`token_cache` keeps two
``st.cache_resource`` caches per function: the shipped data's (``max_entries``) and the
uploads' (:data:`OWN_ENTRIES`, shared by all sessions, e.g. a saved list opened by a link on
several browsers), so that what uploads leave behind is bounded by a few entries per function.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

SHIPPED = "shipped"
"""The token of the shipped dataset (``origin_map.app.data.SHIPPED``)."""
OWN_ENTRIES = 16
"""Entries per function for uploaded and merged lists: room for the lists of about 16
visitors working at the same time (one entry each for most functions), not one per upload."""

F = TypeVar("F", bound=Callable[..., Any])


def _copy(fn: Callable[..., Any], suffix: str) -> Callable[..., Any]:
    """Return ``fn`` under another qualified name (Streamlit keys a cache by the name)."""
    assert isinstance(fn, types.FunctionType)
    twin = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__,
                              fn.__closure__)
    twin.__kwdefaults__ = fn.__kwdefaults__
    twin.__qualname__ = f"{fn.__qualname__}.{suffix}"
    twin.__module__ = fn.__module__
    twin.__doc__ = fn.__doc__
    return twin


def token_cache(max_entries: int, own_entries: int = OWN_ENTRIES) -> Callable[[F], F]:
    """Cache a function whose first argument is a dataset token, in two resource caches.

    Calls with the shipped data's token use a cache of ``max_entries``; any other token (an
    upload, a merged list, a saved list) a cache of ``own_entries``. The wrapper has the
    function's name and docstring, and ``clear()`` empties both caches.
    """
    def wrap(fn: F) -> F:
        shipped = st.cache_resource(show_spinner=False, max_entries=max_entries)(fn)
        own = st.cache_resource(show_spinner=False, max_entries=own_entries)(
            _copy(fn, "own"))

        @functools.wraps(fn)
        def call(token: str, *args: Any, **kwargs: Any) -> Any:
            return (shipped if token == SHIPPED else own)(token, *args, **kwargs)

        def clear() -> None:
            shipped.clear()
            own.clear()

        call.clear = clear  # type: ignore[attr-defined]
        call.caches = (shipped, own)  # type: ignore[attr-defined]
        return call  # type: ignore[return-value]

    return wrap
