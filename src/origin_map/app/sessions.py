"""Forget a visitor who left: shut a disconnected session down when Streamlit drops it.

Streamlit keeps a disconnected session for ``server.disconnectedSessionTTL`` seconds (at most 128
of them), in case the browser reconnects, in a ``MemorySessionStorage``. When such a session
expires or is pushed out, Streamlit 1.67 only drops it from that store: it never calls
``AppSession.shutdown()``, which is what removes the session's uploaded files
(``UploadedFileManager``) and the files of its download buttons (``MediaFileManager``: PDF
reports, PNG maps, CSV and GeoJSON downloads). Those stay in memory for the life of the process,
one set per visitor: ``benchmarks/soak.py`` measured ~0.5 MB per visitor who made a PDF report.

:class:`ShutdownSessionStorage` is that store, except that a session leaving it for good (expired,
or evicted to make room) is shut down, and expired sessions are looked for every
``sweep_s`` seconds even when no one connects, then collected (``gc.collect``: with
``runner.postScriptGC`` off, a departed session's reference cycles would otherwise wait) and the
C heap's free pages given back to the system (:func:`release_free_memory`). A
session taken out because its browser came back (``delete``) is not shut down. :func:`install`
makes ``streamlit run`` in this process use it (:mod:`origin_map.app.launch` calls it), and
:class:`KeptScriptCache`, which keeps the compiled scripts when the last visitor leaves.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import logging
from typing import Any

from streamlit import config
from streamlit.runtime.caching.ttl_cache import TTLCache
from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.scriptrunner.script_cache import ScriptCache

__all__ = ["KeptScriptCache", "ShutdownSessionStorage", "install", "release_free_memory"]

_LOG = logging.getLogger(__name__)
_TRIM: Any = None  # glibc's malloc_trim, False where there is none; looked up once


class ShutdownSessionStorage(MemorySessionStorage):
    """A ``MemorySessionStorage`` that shuts down the sessions it drops.

    Parameters
    ----------
    maxsize, ttl_seconds
        As for ``MemorySessionStorage``.
    sweep_s : float, optional
        How often expired sessions are looked for while the server runs (on the event loop that
        uses the store); 0 turns the sweep off (expired sessions then go at the next connection).
    """

    def __init__(self, maxsize: int = 128, ttl_seconds: int = 2 * 60,
                 sweep_s: float = 10.0) -> None:
        super().__init__(maxsize=maxsize, ttl_seconds=ttl_seconds)
        self._ttl_cache: TTLCache[str, Any] = TTLCache(maxsize=maxsize, ttl=ttl_seconds,
                                                       on_remove=self._removed)
        self._cache = self._ttl_cache
        self._resuming: set[str] = set()
        self._dropped: list[Any] = []
        self._sweep_s = sweep_s
        self._loop: asyncio.AbstractEventLoop | None = None
        self._collect = False
        self.shut_down = 0
        """How many sessions this store has shut down (for tests and logs)."""

    def _removed(self, session_id: str, info: Any) -> None:
        if session_id not in self._resuming:
            self._dropped.append(info)

    def _shut_dropped(self) -> None:
        while self._dropped:
            info = self._dropped.pop()
            try:
                info.session.shutdown()
            except Exception:  # one session's failure must not keep the others
                _LOG.exception("shutting down an expired session failed")
            self.shut_down += 1
            self._collect = True

    def _watch(self) -> None:
        if self._loop is not None or not self._sweep_s:
            return
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._loop.call_later(self._sweep_s, self.sweep)

    def sweep(self) -> None:
        """Drop and shut down the expired sessions; then look again in ``sweep_s`` seconds.

        After sessions were shut down, a full garbage collection: a session's objects refer to
        each other (session, script runner, session state), and with ``runner.postScriptGC``
        off nothing else collects them soon, so what they hold (a report's bytes, an uploaded
        table) would wait in memory.
        """
        self._ttl_cache.expire()
        self._shut_dropped()
        if self._collect:
            self._collect = False
            gc.collect()
            release_free_memory()
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_later(self._sweep_s, self.sweep)

    def get(self, session_id: str) -> Any:
        """Return the stored session, or None (expired sessions are shut down)."""
        out = super().get(session_id)
        self._shut_dropped()
        return out

    def save(self, session_info: Any) -> None:
        """Store a disconnected session (evicted or expired ones are shut down)."""
        super().save(session_info)
        self._shut_dropped()
        self._watch()

    def delete(self, session_id: str) -> None:
        """Take a session out because it is in use again: it is not shut down."""
        self._resuming.add(session_id)
        try:
            super().delete(session_id)
        finally:
            self._resuming.discard(session_id)
        self._shut_dropped()

    def list(self) -> list[Any]:
        """Return the stored sessions."""
        out = super().list()
        self._shut_dropped()
        return out


def release_free_memory() -> bool:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim(0)``).

    What departed sessions freed goes back to glibc's heaps, which keep it: the soak's probe
    (``benchmarks/soak_probe.py``) found 40–100 MB free in them after the heavy pass, ~30 MB of
    which ``malloc_trim`` returned. Returns False where there is no glibc (nothing done).
    """
    global _TRIM
    if _TRIM is None:
        try:
            _TRIM = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _TRIM = False
    if _TRIM is False:
        return False
    _TRIM(0)
    return True


class KeptScriptCache(ScriptCache):
    """Streamlit's cache of compiled scripts, kept when no visitor is left (no file watcher).

    Streamlit empties it whenever the last session goes, so that the next visitor runs a script
    edited meanwhile. With ``server.fileWatcherType = "none"`` (the app's setting: a served
    app's code does not change while it runs; restart it after an edit) that made every first
    visitor of an idle server pay for turning ``app.py`` and the page into bytecode again
    (Streamlit's "magic" rewrite and ``compile``: ~40 % of a first run's script time in a
    profile). With a file watcher it empties as Streamlit's own does.
    """

    def clear(self) -> None:
        """Empty the cache, unless the server does not watch its files."""
        if config.get_option("server.fileWatcherType") != "none":
            super().clear()


def install() -> bool:
    """Make Streamlit's server in this process store disconnected sessions in ours.

    Also makes its runtime keep compiled scripts (:class:`KeptScriptCache`). Returns False
    (and changes nothing) when this Streamlit does not build its runtime with a
    ``MemorySessionStorage`` looked up where expected.
    """
    import streamlit.runtime.memory_session_storage as storage_module
    import streamlit.runtime.runtime as runtime_module

    if getattr(runtime_module, "ScriptCache", None) is ScriptCache:
        runtime_module.ScriptCache = KeptScriptCache  # type: ignore[misc]

    patched = False
    try:
        import streamlit.web.server.server as server_module
    except ImportError:
        server_module = None  # type: ignore[assignment]
    for module in (server_module, storage_module):
        if module is not None and getattr(module, "MemorySessionStorage", None) in (
                MemorySessionStorage, ShutdownSessionStorage):
            setattr(module, "MemorySessionStorage", ShutdownSessionStorage)  # noqa: B010
            patched = True
    return patched
