"""Draw Origin Map maps with matplotlib (no tiles): a helper of :mod:`origin_map.render.report`.

Everything is drawn in metres in the azimuthal-equidistant projection centred on the centre (or
on the area's centroid), so the scale bar is true. Colours come from
:data:`origin_map.places.vocab.SECTORS`, the palette of the app's map.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from origin_map.errors import SettingsError
from origin_map.geo.geometry import Centre, project_local
from origin_map.i18n import text
from origin_map.measure.areas import Area, to_local
from origin_map.places import vocab

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["OSM", "POINT_PT", "cjk_font_family", "draw_map", "draw_points", "fmt_m",
           "group_radius_pt", "legend_handles", "legend_outside", "rc_params"]

OSM: Final[str] = "© OpenStreetMap contributors"
_CJK_FAMILIES: Final[tuple[str, ...]] = (
    "Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK JP", "Noto Serif CJK SC",
    "Source Han Sans SC", "WenQuanYi Zen Hei", "Droid Sans Fallback")
_CJK_FILES: Final[tuple[str, ...]] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")


@lru_cache(maxsize=1)
def cjk_font_family() -> str | None:
    """Return the name of an installed CJK font family matplotlib can embed, or None."""
    from matplotlib import font_manager

    for path in _CJK_FILES:  # a font cache built before the fonts were installed misses them
        if Path(path).is_file():
            font_manager.fontManager.addfont(path)
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in _CJK_FAMILIES if n in names), None)


def rc_params(lang: str) -> Any:
    """Return matplotlib settings: TrueType fonts embedded in PDFs, a CJK fallback font.

    Raises
    ------
    SettingsError
        For ``lang="zh"`` when no CJK font is installed.
    """
    family = cjk_font_family()
    if family is None and lang == "zh":
        raise SettingsError("No Chinese (CJK) font is installed, so a Chinese report cannot be "
                            "drawn. Install one: apt-get install fonts-noto-cjk.")
    fonts = ["DejaVu Sans", family] if family else ["DejaVu Sans"]
    return {"pdf.fonttype": 42, "font.family": fonts, "axes.unicode_minus": False}


def fmt_m(m: float, lang: str) -> str:
    """Return a distance for labels: ``"500 m"``, ``"1.5 km"`` (``"500 米"``, ``"1.5 公里"``)."""
    if m >= 1000:
        return text("report.distance_km", lang, km=f"{m / 1000:g}")
    return text("report.distance_m", lang, m=f"{m:g}")


def _sector_colour(sector: str) -> str:
    s = vocab.SECTOR_BY_ID.get(sector)
    return s.colour if s else vocab.SECTOR_BY_ID[vocab.DEFAULT_SECTOR].colour


def _polygon_patch(geom: Any, **style: Any) -> Any:
    from shapely.plotting import patch_from_polygon

    return patch_from_polygon(geom, **style)


def _draw_shapes(ax: Axes, view: Centre, radii: Sequence[float], area: Area | None,
                 outlines: gpd.GeoDataFrame | None, places: pd.DataFrame, main_m: float,
                 lang: str) -> bool:
    """Draw outlines, the area or the rings; return whether outlines were drawn."""
    from matplotlib.patches import Circle

    drawn = False
    if outlines is not None and len(outlines):
        sector_of = dict(zip(places.get("id", []), places.get("sector", []), strict=False))
        for pid, geom in zip(outlines["place_id"], outlines.geometry, strict=True):
            colour = _sector_colour(sector_of.get(pid, vocab.DEFAULT_SECTOR))
            ax.add_patch(_polygon_patch(to_local(geom, view.lat, view.lon), facecolor=colour,
                                        edgecolor=colour, alpha=0.18, lw=0.8, zorder=1))
            drawn = True
    if area is not None:
        ax.add_patch(_polygon_patch(to_local(area.geometry, view.lat, view.lon),
                                    facecolor="#1f77b4", edgecolor="#08306b", alpha=0.12,
                                    zorder=2))
        ax.add_patch(_polygon_patch(to_local(area.geometry, view.lat, view.lon),
                                    facecolor="none", edgecolor="#08306b", lw=1.6, zorder=2))
    for r in radii:
        main = r == main_m
        ax.add_patch(Circle((0, 0), r, fill=False, lw=1.6 if main else 0.9, zorder=2,
                            edgecolor="#d62728" if main else "#555555",
                            linestyle="-" if main else "--"))
        ax.text(0, r, fmt_m(r, lang), ha="center", va="bottom", fontsize=7, zorder=2,
                color="#d62728" if main else "#555555")
    return drawn


def _decorate(ax: Axes, half_m: float, lang: str, sources: Sequence[str]) -> None:
    """Scale bar, north arrow and attribution, in axes coordinates."""
    nice = [10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 25_000]
    length = max((n for n in nice if n <= half_m * 0.5), default=nice[0])
    frac = length / (2 * half_m)
    x0, y0 = 0.04, 0.04
    ax.plot([x0, x0 + frac], [y0, y0], transform=ax.transAxes, color="black", lw=3,
            solid_capstyle="butt", zorder=5)
    ax.text(x0 + frac / 2, y0 + 0.015, fmt_m(length, lang), transform=ax.transAxes,
            ha="center", va="bottom", fontsize=8, zorder=5)
    ax.annotate("N", xy=(0.05, 0.95), xytext=(0.05, 0.86), xycoords="axes fraction",
                ha="center", va="center", fontsize=10, fontweight="bold", zorder=5,
                arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.5})
    ax.text(0.99, 0.005, "; ".join(sources), transform=ax.transAxes, ha="right", va="bottom",
            fontsize=5.5, color="#444444", wrap=True, zorder=5,
            bbox={"facecolor": "white", "alpha": 0.7, "lw": 0, "pad": 1})


POINT_PT: Final[float] = 3.2
"""Radius (points) of a single place's dot: 2.3 mm across, readable on A4."""


def _groups(x: np.ndarray, y: np.ndarray, sectors: np.ndarray, metres_per_pt: float = 0.0
            ) -> pd.DataFrame:
    """Return one symbol per point shared by places (to 1 m): x, y, n, sector counts.

    With ``metres_per_pt``, symbols that would overlap on the page are merged as well (largest
    first, at their places' mean position), as the interactive map's clusters do.
    """
    frame = pd.DataFrame({"gx": np.round(x), "gy": np.round(y), "x": x, "y": y,
                          "sector": sectors})
    groups = frame.groupby(["gx", "gy"], sort=False)
    out = groups.agg(x=("x", "mean"), y=("y", "mean"), n=("sector", "size")).reset_index()
    out["sectors"] = [dict(g["sector"].value_counts()) for _, g in groups]
    if metres_per_pt <= 0 or len(out) < 2:
        return out
    merged: list[dict[str, Any]] = []
    for g in out.sort_values("n", ascending=False, kind="stable").itertuples():
        for m in merged:
            gap = (group_radius_pt(m["n"]) + group_radius_pt(g.n)) * 0.8 * metres_per_pt
            if np.hypot(m["x"] - g.x, m["y"] - g.y) < gap:
                total = m["n"] + g.n
                m["x"] = (m["x"] * m["n"] + g.x * g.n) / total
                m["y"] = (m["y"] * m["n"] + g.y * g.n) / total
                m["n"] = total
                for s, k in g.sectors.items():
                    m["sectors"][s] = m["sectors"].get(s, 0) + k
                break
        else:
            merged.append({"x": g.x, "y": g.y, "n": g.n, "sectors": dict(g.sectors)})
    return pd.DataFrame(merged)


def group_radius_pt(n: int) -> float:
    """Return the radius in points of the symbol of ``n`` places at one point (area ∝ n)."""
    return POINT_PT if n <= 1 else 5.5 + 1.6 * np.sqrt(n)


def draw_points(ax: Axes, x: np.ndarray, y: np.ndarray, sectors: np.ndarray) -> None:
    """Draw places: a dot each, or one donut per shared point (a building's tenants).

    The donut's area grows with the number of places, its ring shows their sectors in the
    map colours and its centre their number, so 29 tenants of one tower read as 29, not as
    one dot.
    """
    from matplotlib.patches import Circle, Wedge

    if not len(x):
        return
    metres_per_pt = np.diff(ax.get_xlim())[0] / (ax.get_window_extent().width * 72
                                                  / ax.figure.dpi)
    for g in _groups(x, y, sectors, metres_per_pt).itertuples():
        r = group_radius_pt(g.n) * metres_per_pt
        if g.n == 1:
            (sector,) = g.sectors
            ax.add_patch(Circle((g.x, g.y), r, facecolor=_sector_colour(sector),
                                edgecolor="white", lw=0.5, zorder=3))
            continue
        start = 90.0
        for sector in [s for s in vocab.SECTOR_IDS if s in g.sectors] + sorted(
                set(g.sectors) - set(vocab.SECTOR_IDS)):
            sweep = 360.0 * g.sectors[sector] / g.n
            ax.add_patch(Wedge((g.x, g.y), r, start, start + sweep, width=r * 0.42,
                               facecolor=_sector_colour(sector), edgecolor="white", lw=0.4,
                               zorder=3))
            start += sweep
        ax.add_patch(Circle((g.x, g.y), r * 0.58, facecolor="white", edgecolor="none",
                            zorder=3))
        ax.text(g.x, g.y, str(g.n), ha="center", va="center", zorder=3, fontweight="bold",
                fontsize=7 if g.n < 100 else 6, color="#222222")


def centre_label(name: str, lang: str) -> str:
    """Return the centre's name in lines short enough to stay on the map beside its star.

    The star is at the middle, so a line may take up to half the map: 28 Latin or 14 CJK
    characters at the hub maps' and the report's type size.
    """
    return textwrap.fill(name, 14 if lang == "zh" else 28, break_long_words=lang == "zh")


def _extent(places: pd.DataFrame, centre: Centre, radii: Sequence[float], area: Area | None
            ) -> tuple[Centre, float, tuple[float, float], np.ndarray, np.ndarray, np.ndarray]:
    """Return the map's view centre, half side (m), middle, places' x, y and which are seen."""
    view = area.centre if area is not None else centre
    if area is not None:
        x0, y0, x1, y1 = to_local(area.geometry, view.lat, view.lon).bounds
        half = max(x1 - x0, y1 - y0) / 2 * 1.12
        mid = ((x0 + x1) / 2, (y0 + y1) / 2)
    else:
        half, mid = max(radii) * 1.08, (0.0, 0.0)
    x, y = project_local(places["lat"].to_numpy(float), places["lon"].to_numpy(float),
                         view.lat, view.lon)
    seen = (np.abs(x - mid[0]) <= half) & (np.abs(y - mid[1]) <= half)
    return view, half, mid, x, y, seen


def legend_handles(places: pd.DataFrame, *, centre: Centre, radii: Sequence[float],
                   area: Area | None, lang: str) -> list[Any]:
    """Return the legend's handles of the map :func:`draw_map` draws (before drawing it).

    One per sector shown, with its number of places, and the key of a building's symbol when
    some places share a point.
    """
    from matplotlib.lines import Line2D

    _, _, _, x, y, seen = _extent(places, centre, radii, area)
    sectors = places["sector"].astype(str).to_numpy()[seen]
    counts = pd.Series(sectors).value_counts()
    handles = [Line2D([], [], marker="o", ls="", color=_sector_colour(s),
                      label=f"{vocab.sector_label(s, lang)} ({counts[s]})")
               for s in vocab.SECTOR_IDS if s in counts]
    if len(sectors) and _groups(x[seen], y[seen], sectors)["n"].max() > 1:
        handles.append(Line2D([], [], marker="o", ls="", markersize=9, markerfacecolor="white",
                              markeredgecolor="#333333", markeredgewidth=2.5,
                              label=textwrap.fill(text("ui16.report_building", lang),
                                                  22 if lang == "zh" else 40)))
    return handles


def draw_map(ax: Axes, places: pd.DataFrame, *, centre: Centre, radii: Sequence[float],
              area: Area | None, outlines: gpd.GeoDataFrame | None, lang: str,
              sources: Sequence[str], main_m: float, legend: bool = True) -> list[Any]:
    """Draw the whole map into ``ax`` (metres in the AEQD of the centre or area centroid).

    Returns the legend's handles (:func:`legend_handles`); with ``legend=False`` they are not
    drawn on the map (the report and :func:`legend_outside` put them beside or below it).
    """
    view, half, mid, x, y, seen = _extent(places, centre, radii, area)
    ax.set_xlim(mid[0] - half, mid[0] + half)
    ax.set_ylim(mid[1] - half, mid[1] + half)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    with_osm = _draw_shapes(ax, view, radii, area, outlines, places, main_m, lang)
    sectors = places["sector"].astype(str).to_numpy()[seen]
    draw_points(ax, x[seen], y[seen], sectors)
    cx, cy = project_local(centre.lat, centre.lon, view.lat, view.lon)
    ax.plot([cx], [cy], marker="*", markersize=13, color="black", zorder=2.9)  # under the
    # places' symbols: a building's count at the centre stays readable
    ax.annotate(centre_label(centre.name(lang), lang), (float(cx), float(cy)), xytext=(6, 6),
                textcoords="offset points", fontsize=8, zorder=4,
                bbox={"facecolor": "white", "alpha": 0.75, "lw": 0, "pad": 1})
    handles = legend_handles(places, centre=centre, radii=radii, area=area, lang=lang)
    if handles and legend:
        ax.legend(handles=handles, loc="upper right", fontsize=6.5, framealpha=0.85)
    src = [*sources, OSM] if with_osm and not any(OSM in s for s in sources) else list(sources)
    _decorate(ax, half, lang, src)
    return handles


def legend_outside(fig: Figure, handles: Sequence[Any]) -> tuple[float, float, float, float]:
    """Put the legend outside the map and return the map's axes rectangle (figure fraction).

    A figure at least 1.25 times as wide as tall gets the legend beside the map, on its
    right; any other below it, in two columns where they fit. The map is the largest square
    left, at the top (maps of one width then share one scale, whatever their legends), and
    the legend hides none of it. The figure needs a canvas (for the legend's size).
    """
    w, h = fig.bbox.width, fig.bbox.height
    pad = 0.012 * min(w, h)  # pixels
    kw: dict[str, Any] = {"fontsize": 6.5, "frameon": False, "borderaxespad": 0,
                          "handletextpad": 0.3, "columnspacing": 1.2}
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    if not handles:
        side = min(w, h) - 2 * pad
        return ((w - side) / 2 / w, (h - pad - side) / h, side / w, side / h)
    if w >= 1.25 * h:
        leg = fig.legend(handles=handles, loc="center left", **kw)
        width = leg.get_window_extent(renderer).width
        side = min(h - 2 * pad, w - 3 * pad - width)
        left = max(pad, (w - side - pad - width) / 2)  # map and legend side by side, centred
        leg.set_bbox_to_anchor(((left + side + pad) / w, 0.5), transform=fig.transFigure)
        return (left / w, (h - side) / 2 / h, side / w, side / h)
    leg = fig.legend(handles=handles, loc="upper center", ncols=2, **kw)
    if leg.get_window_extent(renderer).width > w - 2 * pad:
        leg.remove()
        leg = fig.legend(handles=handles, loc="upper center", ncols=1, **kw)
    side = min(w - 2 * pad, h - 3 * pad - leg.get_window_extent(renderer).height)
    leg.set_bbox_to_anchor((0.5, (h - 2 * pad - side) / h), transform=fig.transFigure)
    return ((w - side) / 2 / w, (h - pad - side) / h, side / w, side / h)
