"""Cached analyses for the pages: clustering statistics, hub comparisons, hub maps."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from origin_map.app.caching import token_cache
from origin_map.app.data import Dataset, centres
from origin_map.app.drawing import drawn
from origin_map.app.show import chart, empty_selection, md_escape, reader_order, table
from origin_map.geo.geometry import Centre, Rings
from origin_map.i18n import names, text
from origin_map.io.export import to_csv_bytes
from origin_map.measure.compare import (
    compare_density,
    compare_figures,
    hub_centres,
    load_hubs,
    sector_composition,
)
from origin_map.measure.stats import PlaceFilter
from origin_map.render import charts
from origin_map.views import View, command_line


@token_cache(max_entries=32)
def cached_cluster(token: str, _places: Any, centre: Centre, radius_m: float,
                   place_filter: PlaceFilter) -> Any:
    """Return :func:`origin_map.measure.cluster.cluster_report` (99 simulations, seed 0), cached.

    Too few places give the :class:`~origin_map.measure.cluster.TooFewPlacesError` instead.
    """
    from origin_map.measure.cluster import TooFewPlacesError, cluster_report  # scipy: when needed

    try:
        return cluster_report(_places, centre, radius_m=radius_m, place_filter=place_filter)
    except TooFewPlacesError as exc:
        return exc


def cluster_section(view: View, ds: Dataset) -> None:
    """Draw the Density page's section on clustering (is it a cluster at all)."""
    lang = view.lang
    st.subheader(text("cluster.title", lang))
    from origin_map.measure.cluster import TooFewPlacesError

    report = cached_cluster(ds.token, ds.places, view.centre, view.radius_m, view.place_filter)
    if isinstance(report, TooFewPlacesError):
        st.info(md_escape(report.message(lang)))
        return
    stats = dict(zip(report.table["statistic"], report.table["value"], strict=True))
    cols = st.columns(4)
    cols[0].metric(text("cluster.n", lang), stats["n"])
    cols[1].metric(text("cluster.nni", lang), f"{float(stats['nni']):.2f}")
    cols[2].metric(text("cluster.z", lang), f"{float(stats['nni_z']):.2f}")
    cols[3].metric(text("cluster.p", lang), f"{float(stats['nni_p']):.3g}")
    st.caption(text("cluster.explain", lang, n_before=stats["n_before_merge"], n=stats["n"],
                    tol=f"{float(stats['merge_tol_m']):g}", radius=f"{view.radius_m:,g}"))
    c1, c2 = st.columns(2)
    chart(charts.ripley_chart(report.curves, lang), c1)
    chart(charts.decay_chart(report.curves, lang), c2)
    with st.expander(text("cluster.table", lang)):
        table(report.table.astype({"value": str}), lang)
    st.download_button(text("cluster.download", lang), to_csv_bytes(report.table),
                       f"origin-map-cluster-{view.centre.id}.csv", "text/csv",
                       key="om_dl_cluster")
    st.code(command_line(view, command="cluster", data=None if ds.shipped else ds.name,
                         datum=ds.datum, dataset=ds.stored_id, merged=ds.origin == "merged"),
            language="bash")


@st.cache_resource(show_spinner=False)
def hubs() -> pd.DataFrame:
    """Return the hubs table (``geodata/hubs.csv``; cached)."""
    return load_hubs()


@token_cache(max_entries=64)
def hub_map(token: str, _places: Any, centre: Centre, rings: Rings, place_filter: PlaceFilter,
            lang: str) -> bytes:
    """Return a PNG map of one hub at the common scale (cached)."""
    from origin_map.render.report import render_map_png  # matplotlib: when needed

    shown = _places.loc[place_filter.mask(_places)]
    return drawn(render_map_png, shown, centre=centre, radii_m=rings, lang=lang,  # app.drawing
                 size_px=(900, 1160), dpi=190)  # text twice as large; legend below


def chosen_hubs(lang: str) -> pd.DataFrame:
    """Draw the hub choice of the Compare page; return the hubs picked (centre known)."""
    all_hubs = hubs()
    found = hub_centres(all_hubs, centres())
    ids = [h for h in all_hubs["id"] if found[h] is not None]
    label = {h.id: names(h.name_zh, h.name_en, lang)[0] or h.id
             for h in all_hubs.itertuples(index=False)}
    picked = st.multiselect(text("compare.hubs", lang), ids, default=ids[:4],
                            key="om_cmp_hubs", format_func=lambda h: label.get(h, h))
    return all_hubs[all_hubs["id"].isin(picked)]


def _count(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):,.0f}"


def _pct(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):.1f}%"


def figures_view(figures: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return the few columns of the hub figures a reader needs, with "–" for no figure.

    Hub name in ``lang``, coverage status (an id, shown by its label), coverage of firms, the
    dataset's and the published firms and AI firms, the note. The full table stays in an
    expander and in the CSV.
    """
    return pd.DataFrame({
        "hub": [names(r.name_zh, r.name_en, lang)[0] or r.hub_id
                for r in figures.itertuples()],
        "coverage_status": figures["coverage_status"].to_numpy(),
        "coverage_firms_pct": [_pct(v) for v in figures["coverage_firms_pct"]],
        "dataset_firms": [_count(v) for v in figures["dataset_firms"]],
        "published_firms": [_count(v) for v in figures["published_firms"]],
        "dataset_ai_firms": [_count(v) for v in figures["dataset_ai_firms"]],
        "published_ai_firms": [_count(v) for v in figures["published_ai_firms"]],
        "coverage_note": figures["coverage_note"].to_numpy(),
    })


def compare_section(view: View, ds: Dataset, picked: pd.DataFrame) -> None:
    """Draw published figures vs the dataset, composition, maps and stacked tables."""
    lang = view.lang
    if not view.place_filter.mask(ds.places).any():
        empty_selection(lang, view)
    found = hub_centres(picked, centres())
    hub_centre = [c for c in (found[h] for h in picked["id"]) if c is not None]
    figures = compare_figures(ds.places, picked, centres(), place_filter=view.place_filter,
                              lang=lang)
    from origin_map.measure.compare import COMPARABLE_FROM_PCT, EXCEEDS_ABOVE_PCT, THIN_BELOW_PCT

    st.markdown(text("ui16.compare_help", lang, thin=f"{THIN_BELOW_PCT:g}",
                     comparable=f"{COMPARABLE_FROM_PCT:g}", exceeds=f"{EXCEEDS_ABOVE_PCT:g}"))
    for row in figures.itertuples():
        if row.coverage_status in ("thin", "no_published", "no_centre"):
            st.warning(md_escape(f"{names(row.name_zh, row.name_en, lang)[0]}"
                                 f"{text('look16.name_sep', lang)}{row.coverage_note}"))
    table(figures_view(figures, lang), lang, column_config={  # the figures in view on a phone
        "hub": st.column_config.TextColumn(text("column.hub", lang), width="medium",
                                           pinned=True)})
    with st.expander(text("ui16.compare_all", lang)):
        shown = figures.astype(object).where(figures.notna(), "–")
        table(shown.astype({c: str for c in shown.columns if c not in ("coverage_status",)}),
              lang)
    comp = sector_composition(ds.places, hub_centre, view.radius_m,
                              place_filter=view.place_filter, lang=lang)
    comp["hub"] = comp["centre_id"].map({c.id: c.name(lang) for c in hub_centre})
    chart(charts.composition_chart(comp, lang))
    st.subheader(text("compare.maps", lang, radius=f"{view.rings.outer_m:,g}"))
    st.caption(text("ui16.compare_maps_note", lang))
    cols = st.columns(min(len(hub_centre), 2) or 1)
    for i, c in enumerate(hub_centre):
        cols[i % len(cols)].image(hub_map(ds.token, ds.places, c, view.rings,
                                          view.place_filter, lang), caption=c.name(lang))
    stacked = compare_density(ds.places, hub_centre, view.rings,
                              place_filter=view.place_filter)
    st.subheader(text("compare.density", lang))
    name = {c.id: c.name(lang) for c in hub_centre}
    table(stacked, lang, column_order=reader_order(stacked, (  # the count in view on a phone
        "centre_id", "count", "ring_outer_m", "sector", "density_per_km2")), column_config={
        "centre_id": st.column_config.SelectboxColumn(  # the hub's name; the id in the CSV
            text("column.hub", lang), options=list(name), width="medium", pinned=True,
            format_func=lambda c: name.get(str(c), str(c))),
        "count": st.column_config.NumberColumn(text("column.count", lang), width="small"),
        "ring_outer_m": st.column_config.NumberColumn(text("column.ring_outer_m", lang),
                                                      width="small")})
    st.download_button(text("density.download", lang), to_csv_bytes(stacked),
                       "origin-map-compare.csv", "text/csv", key="om_dl_compare")
    st.code(command_line(view, command="compare", data=None if ds.shipped else ds.name,
                         datum=ds.datum, centres=tuple(c.id for c in hub_centre),
                         dataset=ds.stored_id, merged=ds.origin == "merged"),
            language="bash")


@token_cache(max_entries=32)
def cached_history(token: str, _places: Any, centre: Centre, radius_m: float,
                   place_filter: PlaceFilter, area_key: str, _area: Any) -> pd.DataFrame:
    """Return :func:`origin_map.measure.history.history_table` (cached; area by its link)."""
    from origin_map.measure.history import history_table
    from origin_map.settings import CURRENT_YEAR

    return history_table(_places, centre, radius_m, place_filter=place_filter, area=_area,
                         last=CURRENT_YEAR)


def history_section(view: View, ds: Dataset) -> None:
    """Draw the Overview's history: places present each year by sector, and what is missing."""
    lang = view.lang
    hist = cached_history(ds.token, ds.places, view.centre, view.radius_m, view.place_filter,
                          view.value("area"), view.area)
    unknown, counted = hist.attrs["no_start_year"], hist.attrs["counted"]
    st.subheader(text("ui16.history_heading", lang))
    if not counted:
        st.info(text("ui16.history_none", lang, total=unknown))
        return
    chart(charts.history_chart(hist, lang))
    if view.area is None:
        st.caption(text("ui16.history_caption", lang, radius=f"{view.radius_m:,g}",
                        centre=view.centre.name(lang), unknown=unknown,
                        total=unknown + counted))
    else:
        st.caption(text("ui16.history_caption_area", lang, name=md_escape(view.area.name),
                        unknown=unknown, total=unknown + counted))
    st.download_button(text("ui16.history_download", lang), to_csv_bytes(hist),
                       f"origin-map-history-{view.centre.id}.csv", "text/csv",
                       key="om_dl_history")


def year_context(view: View, ds: Dataset) -> str:
    """Return the Overview's note for a year: what counts, and how many places it leaves out.

    The places left out are those without a start year inside the figures' scope (the radius,
    or the area), the same count as the history chart's, not the whole dataset's.
    """
    lang, year = view.lang, view.place_filter.year
    hist = cached_history(ds.token, ds.places, view.centre, view.radius_m, view.place_filter,
                          view.value("area"), view.area)
    unknown, total = hist.attrs["no_start_year"], hist.attrs["no_start_year"] + hist.attrs[
        "counted"]
    if view.area is not None:
        return text("look16.year_context_area", lang, year=year, unknown=unknown, total=total,
                    name=md_escape(view.area.name))
    return text("look16.year_context", lang, year=year, unknown=unknown, total=total,
                radius=f"{view.radius_m:,g}", centre=view.centre.name(lang))
