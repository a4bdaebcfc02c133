"""A one-page A4 report (PDF) and a map image (PNG), drawn with matplotlib, without tiles.

The map is drawn in the azimuthal-equidistant projection centred on the centre (or on the
area's centroid), so distances and the scale bar are true: rings are circles of their radius in
metres, places are coloured by sector with the palette of :data:`origin_map.places.vocab.SECTORS`
(the
one the app's map uses). The PDF adds the headline figures, the density table (as one row per
sector with a count and a density per ring, or for the area), the sources and the date.

Chinese text needs a CJK font: Noto Sans CJK (Debian package ``fonts-noto-cjk``) is embedded as
TrueType (``pdf.fonttype`` 42, subset), so the text stays searchable and extractable.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from origin_map import i18n
from origin_map.errors import SettingsError
from origin_map.geo.geometry import Centre, normalise_radii
from origin_map.i18n import text
from origin_map.measure.areas import Area, area_density_table, area_headline
from origin_map.measure.stats import PlaceFilter, density_table, headline
from origin_map.places import vocab
from origin_map.render.mapdraw import (
    cjk_font_family,
    draw_map,
    fmt_m,
    legend_handles,
    legend_outside,
    rc_params,
)

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["A4_INCHES", "DEFAULT_SOURCES", "build_report_pdf", "cjk_font_family", "data_note",
           "render_map_png"]

A4_INCHES: Final[tuple[float, float]] = (210 / 25.4, 297 / 25.4)
DEFAULT_SOURCES: Final[tuple[str, ...]] = (
    "Places: Origin Map geodata (CC BY 4.0); positions from OpenStreetMap "
    "© OpenStreetMap contributors (ODbL)",)
_MAX_RINGS_IN_TABLE = 5



def _main_radius(radii: Sequence[float], radius_m: float | None) -> float:
    if radius_m is not None:
        return float(radius_m)
    return 1000.0 if 1000.0 in radii else float(max(radii))


def render_map_png(places: pd.DataFrame, *, centre: Centre,
                   radii_m: Sequence[float] | None = None, area: Area | None = None,
                   outlines: gpd.GeoDataFrame | None = None, lang: str = "en",
                   size_px: tuple[int, int] = (1200, 1200),
                   sources: Sequence[str] | None = None, dpi: int = 100) -> bytes:
    """Return a PNG map of the places with rings (or the area), legend, scale and attribution.

    Parameters
    ----------
    places
        Places to draw (``lat``, ``lon``, ``sector``; ``id`` to colour outlines).
    centre
        The centre (marked by a star; the projection centre unless ``area`` is given).
    radii_m
        Ring radii in metres; default ``(1000,)`` when no ``area`` is given.
    area
        An area to draw instead of the rings (the map is centred on its centroid).
    outlines
        Outlines to draw with a light fill in their place's sector colour.
    lang
        ``"en"`` or ``"zh"``.
    size_px
        (width, height) of the image in pixels.
    sources
        Attribution lines; default :data:`DEFAULT_SOURCES`.
    dpi
        Pixels per inch: a higher value draws text and symbols larger on the same pixels (a
        map shown small, such as the Compare page's hub maps).

    Returns
    -------
    bytes
        The PNG image.

    Raises
    ------
    SettingsError
        If the size is not 100–8000 px a side, or a radius is not valid.

    Examples
    --------
    >>> from origin_map import resolve_centre, shipped_places
    >>> png = render_map_png(shipped_places(), centre=resolve_centre(None), size_px=(400, 400))
    >>> png[1:4]
    b'PNG'
    """
    size = _image_size(size_px)
    radii = () if area is not None and radii_m is None else normalise_radii(radii_m or (1000,))
    return _map_png(places, centre=centre, radii=radii, area=area, outlines=outlines, lang=lang,
                    sources=sources, size=size, dpi=dpi)


def _image_size(size_px: tuple[int, int]) -> tuple[int, int]:
    """Return (width, height) in whole pixels, or raise if a side is not 100–8000 px."""
    w, h = (int(v) for v in size_px)
    if not (100 <= w <= 8000 and 100 <= h <= 8000):
        raise SettingsError(f"Image size {w}×{h} px is not within 100–8000 px a side.")
    return w, h


def _map_png(places: pd.DataFrame, *, centre: Centre, radii: tuple[float, ...],
             area: Area | None, outlines: gpd.GeoDataFrame | None, lang: str,
             sources: Sequence[str] | None, size: tuple[int, int], dpi: int) -> bytes:
    """Draw the map on a figure of ``size`` pixels and return it as PNG bytes."""
    import matplotlib as mpl

    with mpl.rc_context(rc_params(lang)):
        fig = map_figure(places, centre=centre, radii=radii, area=area, outlines=outlines,
                         lang=lang, sources=sources, size=size, dpi=dpi)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def map_figure(places: pd.DataFrame, *, centre: Centre, radii: tuple[float, ...],
               area: Area | None, outlines: gpd.GeoDataFrame | None, lang: str,
               sources: Sequence[str] | None, size: tuple[int, int], dpi: int) -> Figure:
    """Return the map drawn on a figure of ``size`` pixels (call within :func:`rc_params`).

    The legend is beside or below the map (:func:`~origin_map.render.mapdraw.legend_outside`),
    never on it: on the map it hid the places and rings in its corner.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    w, h = size
    fig = Figure(figsize=(w / dpi, h / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    handles = legend_handles(places, centre=centre, radii=radii, area=area, lang=lang)
    ax = fig.add_axes(legend_outside(fig, handles))
    draw_map(ax, places, centre=centre, radii=radii, area=area, outlines=outlines,
             lang=lang, sources=sources or (text("ui16.default_source", lang),),
             main_m=_main_radius(radii, None) if radii else math.nan, legend=False)
    return fig


def _headline_lines(places: pd.DataFrame, *, centre: Centre, main_m: float, area: Area | None,
                    flt: PlaceFilter, outlines: gpd.GeoDataFrame | None, by_outline: bool,
                    lang: str) -> list[tuple[str, str]]:
    """Return (label, value) lines of the headline figures."""
    from origin_map.measure.outlines import outline_distances_m

    if area is not None:
        h = area_headline(places, area, place_filter=flt,
                          outlines=outlines if by_outline else None)
        size_km2 = area.area_km2
        lines = [(text("report.area", lang), f"{size_km2:,.3f} {text('report.km2', lang)}"),
                 (text("report.inside", lang), f"{h['inside']:,}")]
    else:
        d = outline_distances_m(places, outlines, centre) if by_outline else None
        h = headline(places, centre, main_m, place_filter=flt, distance_m=d)
        size_km2 = math.pi * main_m**2 / 1e6
        lines = [(text("report.within", lang, r=fmt_m(main_m, lang)), f"{h['inside']:,}")]
    lines.append((text("report.institutions", lang), f"{h['institutions']:,}"))
    if outlines is not None and len(outlines) and area is None:
        d = outline_distances_m(places, outlines, centre)
        alt = headline(places, centre, main_m, place_filter=flt, distance_m=d)
        lines.append((text("report.by_outline", lang), f"{alt['institutions']:,}"))
    share = h["ai_share_of_firms"]
    ai_share = "" if math.isnan(share) else f" ({share:.0%})"
    density = f"{h['inside'] / size_km2:,.1f} {text('report.per_km2', lang)}"
    lines += [(text("report.firms", lang), f"{h['firms']:,}"),
              (text("report.ai_firms", lang), f"{h['ai_firms']:,}{ai_share}"),
              (text("report.density", lang), density)]
    return lines


def _table_cells(table: pd.DataFrame, lang: str, area: bool) -> tuple[list[str], list[list[str]]]:
    """Pivot the density table to one row per sector: count and density per ring."""
    label = {s: (text("report.all", lang) if s == "all" else vocab.sector_label(s, lang))
             for s in table["sector"].unique()}
    if area:
        head = [text(f"report.{k}", lang) for k in ("sector", "count", "share", "per_km2")]
        rows = [[label[r.sector], f"{r.count:,}", f"{r.share:.0%}", f"{r.density_per_km2:,.1f}"]
                for r in table.itertuples()]
        return head, rows
    rings = list(dict.fromkeys(zip(table["ring_inner_m"], table["ring_outer_m"],
                                   strict=True)))[:_MAX_RINGS_IN_TABLE]
    head = [text("report.sector", lang)]
    for inner, outer in rings:
        span = f"{fmt_m(inner, lang)}–{fmt_m(outer, lang)}" if inner else fmt_m(outer, lang)
        head += [span, text("report.per_km2", lang)]
    rows = []
    for s in dict.fromkeys(table["sector"]):
        sub = table[table["sector"] == s].set_index(["ring_inner_m", "ring_outer_m"])
        cells = [label[s]]
        for ring in rings:
            cells += [f"{sub.loc[ring, 'count']:,}", f"{sub.loc[ring, 'density_per_km2']:,.1f}"]
        rows.append(cells)
    return head, rows


def _draw_table(ax: Axes, head: list[str], rows: list[list[str]]) -> None:
    ax.axis("off")
    tab = ax.table(cellText=rows, colLabels=head, loc="upper center", cellLoc="right",
                   colLoc="center", edges="horizontal")
    tab.auto_set_font_size(False)
    tab.set_fontsize(7)
    tab.auto_set_column_width(list(range(len(head))))
    for (r, c), cell in tab.get_celld().items():
        cell.set_height(0.055 if len(rows) < 14 else 0.8 / (len(rows) + 1))
        if c == 0:
            cell.set_text_props(ha="left")
        if r == 0 or (r == len(rows) and rows[-1]):
            cell.set_text_props(fontweight="bold")


def build_report_pdf(places: pd.DataFrame, *, centre: Centre, radii_m: Sequence[float],
                     area: Area | None = None, place_filter: PlaceFilter | None = None,
                     lang: str = "en", title: str | None = None,
                     sources: Sequence[str] | None = None,
                     outlines: gpd.GeoDataFrame | None = None, by_outline: bool = False,
                     radius_m: float | None = None, date: dt.date | None = None,
                     data_kind: str = "shipped", data_name: str = "",
                     coverage: str | None = None) -> bytes:
    """Return a one-page A4 PDF: map, headline figures, density table, sources and date.

    Parameters
    ----------
    places, centre, radii_m, place_filter
        As for :func:`origin_map.measure.stats.density_table`; the map shows the filtered places.
    area
        Measure this area, not the rings (:func:`origin_map.measure.areas.area_density_table`).
    lang
        ``"en"`` or ``"zh"`` (needs a CJK font: ``apt-get install fonts-noto-cjk``).
    title, sources, date
        The title line (default "Origin Map — <centre or area name>"), the data sources of the
        attribution (default :data:`DEFAULT_SOURCES`) and the date printed (default today).
    outlines, by_outline
        Outlines to draw; with rings, the headline also gives universities and institutes
        counted by outline. ``by_outline`` counts the table and headline by outline.
    radius_m
        The headline's radius: default 1000 m if it is a ring, else the largest ring.
    data_kind, data_name
        Which data the report was made from, stated under the figures: ``"shipped"`` (the
        shipped places), ``"uploaded"`` or ``"merged"`` (the shipped places with a file),
        ``data_name`` naming the file.
    coverage
        The sentence on how much of the published figures the data holds; default
        :func:`~origin_map.measure.coverage.coverage_caveat` for the centre's hub (``hubs.csv``).

    Returns
    -------
    bytes
        The PDF document.

    Raises
    ------
    SettingsError
        If a radius or the filter is not valid.

    Examples
    --------
    >>> from origin_map import resolve_centre, shipped_places
    >>> pdf = build_report_pdf(shipped_places(), centre=resolve_centre(None), radii_m=[500, 1000])
    >>> pdf[:5]
    b'%PDF-'
    """
    flt = place_filter or PlaceFilter()
    notes = [_coverage(places, centre, flt, lang) if coverage is None else coverage,
             data_note(data_kind, data_name, len(places), lang)]
    page = _page(places, centre=centre, radii=normalise_radii(radii_m), area=area, flt=flt,
                 lang=lang, title=title, sources=sources, outlines=outlines,
                 by_outline=by_outline, radius_m=radius_m, date=date, notes=notes)
    hist = _history(places, centre, page.main_m, flt=flt, area=area, date=date)
    return _draw_page(page, centre=centre, area=area, outlines=outlines, lang=lang, history=hist)


def _coverage(places: pd.DataFrame, centre: Centre, flt: PlaceFilter, lang: str) -> str:
    """Return the default coverage sentence: the data against the centre's hub (``hubs.csv``)."""
    from origin_map.measure.compare import load_hubs
    from origin_map.measure.coverage import coverage_caveat
    from origin_map.places.datasets import load_centres

    return coverage_caveat(places, load_hubs(), load_centres(), centre.id, place_filter=flt,
                           lang=lang)


def _history(places: pd.DataFrame, centre: Centre, main_m: float, *, flt: PlaceFilter,
             area: Area | None, date: dt.date | None) -> pd.DataFrame:
    """Return the places present each year up to the report's year (the page's history)."""
    from origin_map.measure.history import history_table

    return history_table(places, centre, main_m, place_filter=flt, area=area,
                         last=(date or dt.date.today()).year)


def data_note(kind: str, name: str, n: int, lang: str) -> str:
    """Return the sentence naming the data a report was made from (shipped, uploaded, merged).

    ``name`` is the user's file name; the shipped data is named by its publication, never by a
    path.
    """
    if kind not in ("shipped", "uploaded", "merged"):
        raise SettingsError(f"Data kind {kind!r}: use shipped, uploaded or merged.")
    return text(f"ui16.data_{kind}", lang, name=name, n=f"{n:,}")


@dataclass(frozen=True)
class _Page:
    """What the report page shows, worked out before anything is drawn."""

    title: str
    subtitle: str
    shown: pd.DataFrame
    radii: tuple[float, ...]
    main_m: float
    lines: list[tuple[str, str]]
    head: list[str]
    rows: list[list[str]]
    sources: list[str]
    footer: str
    notes: tuple[str, ...] = ()


def _density(places: pd.DataFrame, *, centre: Centre, radii: Sequence[float], area: Area | None,
             flt: PlaceFilter, outlines: gpd.GeoDataFrame | None, by_outline: bool
             ) -> pd.DataFrame:
    """Return the density table of the rings, or of the area when one is given."""
    if area is not None:
        return area_density_table(places, area, place_filter=flt,
                                  outlines=outlines if by_outline else None)
    from origin_map.measure.outlines import outline_distances_m

    d = outline_distances_m(places, outlines, centre) if by_outline else None
    return density_table(places, centre, radii, place_filter=flt, distance_m=d)


def _page(places: pd.DataFrame, *, centre: Centre, radii: tuple[float, ...], area: Area | None,
          flt: PlaceFilter, lang: str, title: str | None, sources: Sequence[str] | None,
          outlines: gpd.GeoDataFrame | None, by_outline: bool, radius_m: float | None,
          date: dt.date | None, notes: Sequence[str] = ()) -> _Page:
    """Work out the texts, figures and table of the page."""
    if lang not in i18n.LANGS:
        raise SettingsError(f"Language {lang!r} is not available; use 'en' or 'zh'.")
    main_m = _main_radius(radii, radius_m)
    table = _density(places, centre=centre, radii=radii, area=area, flt=flt, outlines=outlines,
                     by_outline=by_outline)
    lines = _headline_lines(places, centre=centre, main_m=main_m, area=area, flt=flt,
                            outlines=outlines, by_outline=by_outline, lang=lang)
    head, rows = _table_cells(table, lang, area is not None)
    name = area.name if area is not None else centre.name(lang)
    srcs = list(sources or (text("ui16.default_source", lang),))
    made = text("report.date", lang, date=(date or dt.date.today()).isoformat())
    return _Page(
        title=title or text("report.title", lang, name=name),
        subtitle=(f"{text('report.centre', lang)}: {centre.name(lang)} "
                  f"({centre.lat:.6f}, {centre.lon:.6f})"),
        shown=places.loc[flt.mask(places)], radii=() if area is not None else radii,
        main_m=main_m, lines=lines, head=head, rows=rows, sources=srcs,
        footer=f"{text('report.sources', lang)}: " + "; ".join(srcs) + "\n" + made,
        notes=tuple(notes))


def _draw_notes(fig: Any, notes: Sequence[str], top: float, lang: str) -> float:
    """Write the coverage and data sentences under the headline figures; return the y below."""
    import textwrap

    width = 24 if lang == "zh" else 46
    y = top
    for note in notes:
        wrapped = textwrap.fill(note, width)
        fig.text(0.65, y, wrapped, fontsize=7, color="#7a3e00", va="top", linespacing=1.3)
        y -= (wrapped.count("\n") + 1) * 0.0125 + 0.008
    return y


def _draw_history(fig: Any, hist: pd.DataFrame, title: str) -> None:
    """Draw the history (places present each year, stacked by sector) under the table."""
    fig.text(0.06, 0.178, title, fontsize=7.5, color="#333333")
    if not hist.attrs.get("counted"):
        return
    ax = fig.add_axes((0.09, 0.07, 0.85, 0.095))
    wide = hist.pivot_table(index="year", columns="sector", values="count", aggfunc="sum",
                            sort=False).fillna(0)
    bottom = pd.Series(0.0, index=wide.index)
    for sector in wide.columns:
        ax.bar(wide.index, wide[sector], bottom=bottom, width=0.85, lw=0,
               color=vocab.SECTOR_BY_ID[sector].colour if sector in vocab.SECTOR_BY_ID
               else "#999999")
        bottom += wide[sector]
    ax.tick_params(labelsize=6.5, length=2)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(wide.index.min() - 0.6, wide.index.max() + 0.6)
    ax.yaxis.get_major_locator().set_params(integer=True)


def _draw_page(page: _Page, *, centre: Centre, area: Area | None,
               outlines: gpd.GeoDataFrame | None, lang: str,
               history: pd.DataFrame | None = None) -> bytes:
    """Draw the page on an A4 figure and return it as PDF bytes."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    with mpl.rc_context(rc_params(lang)):
        fig = Figure(figsize=A4_INCHES)
        fig.text(0.06, 0.955, page.title, fontsize=15, fontweight="bold")
        fig.text(0.06, 0.935, page.subtitle, fontsize=8, color="#444444")
        ax = fig.add_axes((0.06, 0.47, 0.56, 0.445))
        handles = draw_map(ax, page.shown, centre=centre, radii=page.radii, area=area,
                           outlines=outlines, lang=lang, sources=page.sources,
                           main_m=page.main_m, legend=False)
        for i, (label, value) in enumerate(page.lines):
            y = 0.9 - i * 0.03
            fig.text(0.65, y, label, fontsize=8.5, color="#333333")
            fig.text(0.95, y, value, fontsize=10, fontweight="bold", ha="right")
        below = _draw_notes(fig, page.notes, 0.9 - len(page.lines) * 0.03 - 0.005, lang)
        if handles:  # beside the map, so that it hides none of it
            fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.635, below),
                       fontsize=6.5, frameon=False, borderaxespad=0, handletextpad=0.3)
        _draw_table(fig.add_axes((0.06, 0.2, 0.88, 0.245)), page.head, page.rows)
        if history is not None:
            unknown, counted = history.attrs["no_start_year"], history.attrs["counted"]
            r = (text("report.inside", lang) if area is not None
                 else fmt_m(page.main_m, lang))
            _draw_history(fig, history, text("ui16.history_report", lang, r=r,
                                             unknown=unknown, total=unknown + counted))
        fig.text(0.06, 0.018, page.footer, fontsize=6.5, color="#444444", wrap=True)
        buf = io.BytesIO()
        fig.savefig(buf, format="pdf", metadata={"Title": page.title, "Creator": "Origin Map"})
    return buf.getvalue()
