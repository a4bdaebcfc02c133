"""What a soaked server holds: the launcher with a memory dump on ``SIGUSR1``.

Usage::

    SOAK_PROBE_OUT=/tmp/probe SOAK_PROBE_TRACE=25 \\
        .venv/bin/python benchmarks/soak_probe.py [streamlit run options]
    kill -USR1 PID      # writes /tmp/probe/dump-N.txt

Runs ``origin_map.app.launch`` in this process; on each ``SIGUSR1`` (handled on the main thread)
it collects garbage and writes: RSS, the number of live objects by type (collector-tracked,
outside the warm-up's frozen generation) and the change since the last dump, the entries of
every ``st.cache_resource`` / ``st.cache_data`` cache, the media manager's files and bytes, the
sessions Streamlit holds, matplotlib's bounded caches, and, when ``SOAK_PROBE_TRACE`` frames are
asked for (``tracemalloc`` on from the start: slower), the 30 allocation sites that grew most since
the last dump. A diagnostic for :mod:`soak` (which sends no signal): drive the visitors with
``soak.py``'s ``wave`` from another process.
"""

from __future__ import annotations

import collections
import ctypes
import gc
import os
import signal
import sys
import tracemalloc
from pathlib import Path
from typing import Any

OUT = Path(os.environ.get("SOAK_PROBE_OUT", "/tmp/soak-probe"))
TRACE = int(os.environ.get("SOAK_PROBE_TRACE", "0"))
_last: dict[str, Any] = {"types": collections.Counter(), "snap": None, "n": 0}


def _caches() -> list[str]:
    from streamlit.runtime.caching import cache_data_api, cache_resource_api

    lines = []
    for label, caches in (("resource", cache_resource_api._resource_caches),
                          ("data", cache_data_api._data_caches)):
        for scope, by_key in list(caches._function_caches.items()):
            items = by_key.items() if isinstance(by_key, dict) else [(scope, by_key)]
            for _, cache in items:
                mem = getattr(cache, "_mem_cache", {})
                lines.append(f"  {label} {getattr(cache, 'display_name', '?')}: {len(mem)} "
                             f"entries (max {getattr(cache, 'max_entries', '?')})")
    return sorted(lines)


def _runtime() -> list[str]:
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return ["  no runtime"]
    rt = Runtime.instance()
    mgr = rt.media_file_mgr
    storage = mgr._storage
    files = getattr(storage, "_files_by_id", {})
    size = sum(len(f.content) for f in files.values())
    sm = rt._session_mgr
    stored = len(sm._session_storage.list()) if hasattr(sm, "_session_storage") else -1
    return [f"  media files: {len(files)} ({size / 1e6:.2f} MB), sessions with files: "
            f"{len(mgr._files_by_session_and_coord)}, deferred: {len(mgr._deferred_callables)}",
            f"  sessions: active {len(sm.list_active_sessions())}, stored {stored}, "
            f"uploaded-file sessions {len(getattr(rt._uploaded_file_mgr, 'file_storage', {}))}"]


def _matplotlib() -> list[str]:
    if "matplotlib" not in sys.modules:
        return ["  matplotlib not imported"]
    import matplotlib.font_manager as fm
    import matplotlib.text as mtext

    out = []
    for name, fn in (("text metrics", getattr(mtext, "_get_text_metrics_with_cache_impl", None)),
                     ("_get_font", getattr(fm, "_get_font", None)),
                     ("findfont", getattr(fm.fontManager, "_findfont_cached", None))):
        if fn is not None and hasattr(fn, "cache_info"):
            out.append(f"  {name}: {fn.cache_info()}")
    return out


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                                                 "usmblks", "fsmblks", "uordblks", "fordblks",
                                                 "keepcost")]


def _malloc() -> list[str]:
    """glibc's heap: bytes in use and free (kept by malloc, not returned to the system)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _Mallinfo2
    except (OSError, AttributeError):
        return ["  not glibc"]
    m = libc.mallinfo2()
    return [f"  heap {m.arena / 2**20:.1f} MB (in use {m.uordblks / 2**20:.1f}, free "
            f"{m.fordblks / 2**20:.1f}), mmapped {m.hblkhd / 2**20:.1f} MB"]


def dump(*_: Any) -> None:
    """Collect, then write what the process holds (see the module's docstring)."""
    import psutil

    def rss() -> float:
        return psutil.Process().memory_info().rss / 2**20

    before = rss()
    gc.collect()
    _last["n"] += 1
    lines = [f"# dump {_last['n']}: RSS {before:.1f} MB, after a collection {rss():.1f} MB",
             "malloc:", *_malloc()]
    if os.environ.get("SOAK_PROBE_TRIM"):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        lines.append(f"  after malloc_trim(0): RSS {rss():.1f} MB; {_malloc()[0].strip()}")
    lines += [
             "caches:", *_caches(), "runtime:", *_runtime(), "matplotlib:", *_matplotlib()]
    types = collections.Counter(type(o).__qualname__ for o in gc.get_objects())
    grew = types.copy()
    grew.subtract(_last["types"])
    lines.append("object types that grew most (now, change):")
    lines += [f"  {t}: {types[t]} ({d:+d})" for t, d in grew.most_common(30) if d > 0]
    _last["types"] = types
    if tracemalloc.is_tracing():
        snap = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)])
        if _last["snap"] is not None:
            lines.append("allocation sites that grew most:")
            for stat in snap.compare_to(_last["snap"], "traceback")[:30]:
                lines.append(f"  {stat.size_diff / 1024:+.1f} kB ({stat.count_diff:+d}) now "
                             f"{stat.size / 1024:.1f} kB")
                lines += [f"      {fr}" for fr in stat.traceback.format()[-2 * TRACE:]]
        lines.append(f"traced: {tracemalloc.get_traced_memory()[0] / 2**20:.1f} MB")
        _last["snap"] = snap
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"dump-{_last['n']}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    """Start tracing if asked, install the handler, run the launcher."""
    if TRACE:
        tracemalloc.start(TRACE)
    signal.signal(signal.SIGUSR1, dump)
    from origin_map.app import launch

    launch.main(sys.argv[1:])


if __name__ == "__main__":
    main()
