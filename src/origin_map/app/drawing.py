"""Matplotlib drawing for the pages (PDF report, PNG maps), on one thread of its own.

Matplotlib keeps its open fonts per thread: ``matplotlib.font_manager.get_font`` caches one
``FT2Font`` per font file list *and thread id* (``lru_cache(64)``), and with the CJK fallback
font (:func:`origin_map.render.mapdraw.rc_params`) one entry holds ~1–2 MB. Streamlit runs each
visitor's script on a thread of its own, so every new thread that drew a report added entries
until the cache held 64: ``benchmarks/soak.py``'s heavy pass measured ~20 MB of its growth there
(20 entries filling over 60 visitors; ~150 MB for 64 entries in ``benchmarks/soak_probe.py``'s
side test). Drawing on one worker thread keeps the cache at the few fonts a report uses. It also
keeps two visitors' drawings from running at once: matplotlib is not thread-safe, and
``rc_context`` changes its global settings while a drawing runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["drawn"]

T = TypeVar("T")
_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="origin-map-draw")
_NAME = "origin-map-draw"


def drawn(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Return ``fn(*args, **kwargs)``, run on the drawing thread (waits for it).

    Exceptions are raised here as ``fn`` raised them. Called from the drawing thread itself, it
    runs ``fn`` at once (no deadlock).
    """
    if threading.current_thread().name.startswith(_NAME):
        return fn(*args, **kwargs)
    return _POOL.submit(fn, *args, **kwargs).result()
