"""Cached analyses for the pages: clustering statistics, hub comparisons, hub maps."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from origin_map import charts
from origin_map.compare import (
    compare_density,
    compare_figures,
    hub_centres,
    load_hubs,
    sector_composition,
)
from origin_map.export import to_csv_bytes
from origin_map.geometry import Centre, Rings
from origin_map.i18n import names, text
from origin_map.stats import PlaceFilter
from origin_map.views import View, command_line

from .data import Dataset, centres
from .show import empty_selection, md_escape, table


@st.cache_resource(show_spinner=False, max_entries=32)
def cached_cluster(token: str, _places: Any, centre: Centre, radius_m: float,
                   place_filter: PlaceFilter) -> Any:
    """Return :func:`origin_map.cluster.cluster_report` (99 simulations, seed 0), cached.

    Too few places give the :class:`~origin_map.cluster.TooFewPlacesError` instead.
    """
    from origin_map.cluster import TooFewPlacesError, cluster_report  # scipy: when needed

    try:
        return cluster_report(_places, centre, radius_m=radius_m, place_filter=place_filter)
    except TooFewPlacesError as exc:
        return exc


def cluster_section(view: View, ds: Dataset) -> None:
    """Draw the Density page's section on clustering (is it a cluster at all)."""
    lang = view.lang
    st.subheader(text("cluster.title", lang))
    from origin_map.cluster import TooFewPlacesError

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
                    tol=f"{float(stats['merge_tol_m']):g}", radius=f"{view.radius_m:g}"))
    c1, c2 = st.columns(2)
    c1.altair_chart(charts.ripley_chart(report.curves, lang), width="stretch")
    c2.altair_chart(charts.decay_chart(report.curves, lang), width="stretch")
    with st.expander(text("cluster.table", lang)):
        table(report.table.astype({"value": str}), lang)
    st.download_button(text("cluster.download", lang), to_csv_bytes(report.table),
                       f"origin-map-cluster-{view.centre.id}.csv", "text/csv",
                       key="om_dl_cluster")
    st.code(command_line(view, command="cluster", data=None if ds.shipped else ds.name,
                         datum=ds.datum, dataset=ds.stored_id), language="bash")


@st.cache_resource(show_spinner=False)
def hubs() -> pd.DataFrame:
    """Return the hubs table (``geodata/hubs.csv``; cached)."""
    return load_hubs()


@st.cache_resource(show_spinner=False, max_entries=64)
def hub_map(token: str, _places: Any, centre: Centre, rings: Rings, place_filter: PlaceFilter,
            lang: str) -> bytes:
    """Return a PNG map of one hub at the common scale (cached)."""
    from origin_map.report import render_map_png  # matplotlib: when needed

    shown = _places.loc[place_filter.mask(_places)]
    return render_map_png(shown, centre=centre, radii_m=rings, lang=lang, size_px=(900, 900))


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


def compare_section(view: View, ds: Dataset, picked: pd.DataFrame) -> None:
    """Draw published figures vs the dataset, composition, maps and stacked tables."""
    lang = view.lang
    if not view.place_filter.mask(ds.places).any():
        empty_selection(lang)
    found = hub_centres(picked, centres())
    hub_centre = [c for c in (found[h] for h in picked["id"]) if c is not None]
    figures = compare_figures(ds.places, picked, centres(), place_filter=view.place_filter,
                              lang=lang)
    for row in figures.itertuples():
        if row.coverage_status in ("thin", "no_published", "no_centre"):
            st.warning(md_escape(f"{names(row.name_zh, row.name_en, lang)[0]}: "
                                 f"{row.coverage_note}"))
    table(figures, lang)
    comp = sector_composition(ds.places, hub_centre, view.radius_m,
                              place_filter=view.place_filter, lang=lang)
    comp["hub"] = comp["centre_id"].map({c.id: c.name(lang) for c in hub_centre})
    st.altair_chart(charts.composition_chart(comp, lang), width="stretch")
    st.subheader(text("compare.maps", lang, radius=f"{view.rings.outer_m:g}"))
    cols = st.columns(min(len(hub_centre), 2) or 1)
    for i, c in enumerate(hub_centre):
        cols[i % len(cols)].image(hub_map(ds.token, ds.places, c, view.rings,
                                          view.place_filter, lang), caption=c.name(lang))
    stacked = compare_density(ds.places, hub_centre, view.rings,
                              place_filter=view.place_filter)
    st.subheader(text("compare.density", lang))
    table(stacked, lang)
    st.download_button(text("density.download", lang), to_csv_bytes(stacked),
                       "origin-map-compare.csv", "text/csv", key="om_dl_compare")
    st.code(command_line(view, command="compare", data=None if ds.shipped else ds.name,
                         datum=ds.datum, centres=tuple(c.id for c in hub_centre),
                         dataset=ds.stored_id),
            language="bash")
