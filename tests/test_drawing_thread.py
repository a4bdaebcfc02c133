"""Pages draw matplotlib figures on one thread: matplotlib's per-thread font cache stays small.

``matplotlib.font_manager.get_font`` caches an ``FT2Font`` per font list *and thread id*; each
entry with the CJK fallback holds ~1–2 MB (``origin_map.app.drawing``). Without the drawing
thread every Streamlit script thread added entries (the soak's heavy pass).
"""

from __future__ import annotations

import io
import threading

import pytest

from origin_map.app.drawing import drawn


def _draw() -> int:
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from origin_map.render.mapdraw import rc_params

    with mpl.rc_context(rc_params("en")):
        fig = Figure(figsize=(2, 1))
        fig.text(0.1, 0.5, "soak area 7: 0.123 km²", fontsize=9)
        fig.text(0.1, 0.1, "bold", fontweight="bold")
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return threading.get_ident()


def _from_threads(n: int, fn) -> list[int]:
    """Run ``fn`` on ``n`` threads alive at once (so their ids differ); return what they got."""
    out: list[int] = []
    ready = threading.Barrier(n)

    def one() -> None:
        ready.wait()
        out.append(fn())

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def _font_entries_after(fn) -> int:
    import matplotlib.font_manager as fm

    fm._get_font.cache_clear()
    _from_threads(4, fn)
    return fm._get_font.cache_info().currsize


def test_drawings_from_many_threads_run_on_one():
    idents = _from_threads(4, lambda: drawn(_draw))
    assert len(set(idents)) == 1
    assert idents[0] not in {threading.get_ident()}


def test_the_font_cache_keeps_one_threads_fonts():
    one = _font_entries_after(lambda: drawn(_draw))
    inline = _font_entries_after(_draw)  # as before: each script thread its own fonts
    assert one >= 1
    assert inline == 4 * one


def test_errors_come_back_to_the_caller_and_reentry_does_not_deadlock():
    def fail() -> None:
        raise ValueError("bad radius")

    with pytest.raises(ValueError, match="bad radius"):
        drawn(fail)
    assert drawn(lambda: drawn(lambda: 42)) == 42
