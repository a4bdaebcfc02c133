"""Walking time in the app: the shipped OpenStreetMap network, cached per centre (issue 22).

The network is built once per centre from ``geodata/walk_network.osm`` (the 2017 extract, ODbL)
and the walk analysis once per dataset, centre and filter, with the defaults of
``origin-map walk`` (5/10/15 minutes at 4.8 km/h), so the Density page's walking-time table is
the file ``origin-map walk`` writes. A centre the network does not reach gets a message instead.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from origin_map.app.caching import token_cache
from origin_map.app.show import centre_column, reader_order, table
from origin_map.errors import SettingsError
from origin_map.geo.geometry import Centre
from origin_map.i18n import text
from origin_map.measure.stats import PlaceFilter, headline
from origin_map.measure.walk import DEFAULT_MINUTES, DEFAULT_SPEED_KMH, WalkResult, walk_analysis
from origin_map.places.datasets import geodata_dir
from origin_map.views import View

__all__ = ["OVERVIEW_MINUTES", "cached_walk", "coverage_caption", "walk_headline",
           "walk_table_section"]

OVERVIEW_MINUTES = 15.0
"""The walk the Overview shows beside the main ring."""


def extract_path() -> str:
    """Return the path of the shipped walking network."""
    return str(geodata_dir() / "walk_network.osm")


@st.cache_resource(show_spinner=False, max_entries=8)
def _network(path: str, centre: Centre) -> Any:
    from origin_map.geo.network import build_walk_network

    return build_walk_network(path, centre)


@token_cache(max_entries=32)
def cached_walk(token: str, _places: Any, centre: Centre, place_filter: PlaceFilter
                ) -> WalkResult | None:
    """Return the walk analysis of the dataset ``token`` (None: the network misses the centre)."""
    try:
        net = _network(extract_path(), centre)
        return walk_analysis(_places, net, minutes=DEFAULT_MINUTES, speed_kmh=DEFAULT_SPEED_KMH,
                             place_filter=place_filter)
    except SettingsError:
        return None


def walk_headline(result: WalkResult, places: Any, view: View,
                  minutes: float = OVERVIEW_MINUTES) -> dict[str, Any]:
    """Return :func:`~origin_map.measure.stats.headline` of the places within ``minutes``."""
    metres = minutes * result.speed_kmh * 1000.0 / 60.0
    return headline(places, view.centre, metres, place_filter=view.place_filter,
                    distance_m=result.places["walk_m"].to_numpy())


def coverage_caption(result: WalkResult, places: Any, view: View) -> str:
    """Return the coverage note in the view's language (places counted within the disc)."""
    cov = result.coverage
    near = view.place_filter.mask(places) & (result.places["crow_m"] <= cov.radius_m).to_numpy()
    status = result.places["walk_status"][near]
    return text("walk.coverage_note", view.lang, share=cov.share, radius_km=cov.radius_m / 1000,
                bounds_share=cov.bounds_share, near=int(near.sum()),
                outside=int((status == "outside_network").sum()),
                unconnected=int((status == "not_connected").sum()),
                outside_label=text("walk.status.outside_network", view.lang),
                unconnected_label=text("walk.status.not_connected", view.lang))


def not_covered(lang: str) -> None:
    """Say that the walking network does not reach this centre."""
    st.info(text("walk.not_covered", lang, source=text("walk.shipped_extract", lang)))


def walk_table_section(view: View, ds: Any) -> None:
    """Show the walking-time table (the file ``origin-map walk`` writes) with its download."""
    from origin_map.io.export import to_csv_bytes

    lang = view.lang
    st.subheader(text("walk.title", lang))
    result = cached_walk(ds.token, ds.places, view.centre, view.place_filter)
    if result is None:
        not_covered(lang)
        return
    st.caption(text("walk.table_caption", lang, speed=result.speed_kmh))
    labels: dict[str, Any] = {c: st.column_config.Column(text(f"walk.column.{c}", lang))
                              for c in ("band_inner_min", "band_outer_min")}
    labels["centre_id"] = centre_column(view.centre, lang)  # its name; the id in the CSV
    table(result.table, lang, column_config=labels, column_order=reader_order(
        result.table, ("band_outer_min", "sector", "count", "density_per_km2")))
    st.download_button(text("walk.download", lang), to_csv_bytes(result.table),
                       file_name=f"origin-map-walk-{view.centre.id}.csv", mime="text/csv",
                       key="om_dl_walk")
    st.caption(coverage_caption(result, ds.places, view))
