"""The session's data: cached loaders and computations, the dataset, uploads."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from origin_map.app.caching import SHIPPED, token_cache
from origin_map.app.show import md_escape, problems_table
from origin_map.errors import DataValidationError, OriginMapError
from origin_map.geo.geometry import Centre, Rings
from origin_map.i18n import text
from origin_map.io.rawtable import RawTable
from origin_map.io.readers import read_raw
from origin_map.measure.areas import area_density_table, area_headline
from origin_map.measure.outlines import load_outlines, outline_distances_m
from origin_map.measure.stats import PlaceFilter, density_table, h3_table, headline, with_distances
from origin_map.places import vocab
from origin_map.places.columns import coordinate_positions
from origin_map.places.datasets import (
    LoadResult,
    load_centres,
    places_from_raw,
    shipped_places,
)

_K = "om_"


@dataclass(frozen=True)
class Dataset:
    """The places a browser session works on (the shipped data or the user's upload)."""

    token: str
    name: str
    datum: str
    places: Any  # geopandas.GeoDataFrame
    stored_id: str = ""  # its id in the dataset store (origin_map.app.saved), if saved
    own: Any = None  # merged with the shipped data: the user's list alone (a Dataset)

    @property
    def shipped(self) -> bool:
        """Whether this is the shipped data."""
        return self.token == SHIPPED

    @property
    def origin(self) -> str:
        """Where the places come from: ``shipped``, ``uploaded`` or ``merged`` (both)."""
        return "shipped" if self.shipped else "merged" if self.own is not None else "uploaded"


@st.cache_resource(show_spinner=False)
def _shipped_places() -> Any:
    return shipped_places()


@st.cache_resource(show_spinner=False)
def centres() -> list[Centre]:
    """Return the shipped centres (cached)."""
    return load_centres()


@token_cache(max_entries=64)
def places_with_distances(token: str, _places: Any, centre: Centre, rings: Rings
                          ) -> pd.DataFrame:
    """Return the dataset with ``distance_m`` and ``ring_outer_m`` (cached by dataset token).

    Cached as a resource (no copy per run): callers never change it.
    """
    return with_distances(_places, centre, rings)


@st.cache_resource(show_spinner=False)
def outlines() -> Any:
    """Return the shipped campus outlines (``geodata/areas.geojson``; cached)."""
    return load_outlines()


@token_cache(max_entries=64)
def outline_distances(token: str, _places: Any, centre: Centre) -> Any:
    """Return each place's distance to the centre by its outline where it has one (cached)."""
    return outline_distances_m(_places, outlines(), centre)


def _distances(token: str, places: Any, centre: Centre, by_outline: bool) -> Any:
    return outline_distances(token, places, centre) if by_outline else None


@token_cache(max_entries=64)
def filtered_places(token: str, _places: Any, centre: Centre, rings: Rings,
                    place_filter: PlaceFilter) -> pd.DataFrame:
    """Return the places of ``token`` passing ``place_filter``, with distances (cached)."""
    placed = places_with_distances(token, _places, centre, rings)
    return placed.loc[place_filter.mask(placed)]


@token_cache(max_entries=128)
def cached_density(token: str, _places: Any, centre: Centre, rings: Rings,
                   place_filter: PlaceFilter, by_outline: bool = False) -> pd.DataFrame:
    """Return :func:`origin_map.measure.stats.density_table` (cached); by outline if asked."""
    return density_table(_places, centre, rings, place_filter=place_filter,
                         distance_m=_distances(token, _places, centre, by_outline))


@token_cache(max_entries=64)
def cached_h3(token: str, _places: Any, centre: Centre, resolution: int,
              place_filter: PlaceFilter, max_distance_m: float | None) -> pd.DataFrame:
    """Return :func:`origin_map.measure.stats.h3_table` (cached)."""
    return h3_table(_places, centre, resolution=resolution, place_filter=place_filter,
                    max_distance_m=max_distance_m)


@token_cache(max_entries=128)
def cached_headline(token: str, _places: Any, centre: Centre, radius_m: float,
                    place_filter: PlaceFilter, by_outline: bool = False) -> dict[str, Any]:
    """Return :func:`origin_map.measure.stats.headline` (cached); by outline if asked."""
    return headline(_places, centre, radius_m, place_filter=place_filter,
                    distance_m=_distances(token, _places, centre, by_outline))


@token_cache(max_entries=32)
def cached_area_density(token: str, _places: Any, area_key: str, _area: Any,
                        place_filter: PlaceFilter, by_outline: bool = False) -> pd.DataFrame:
    """Return :func:`~origin_map.measure.areas.area_density_table`, cached by link text."""
    return area_density_table(_places, _area, place_filter=place_filter,
                              outlines=outlines() if by_outline else None)


@token_cache(max_entries=32)
def cached_area_headline(token: str, _places: Any, area_key: str, _area: Any,
                         place_filter: PlaceFilter, by_outline: bool = False
                         ) -> dict[str, Any]:
    """Return :func:`origin_map.measure.areas.area_headline` (cached by the area's link text)."""
    return area_headline(_places, _area, place_filter=place_filter,
                         outlines=outlines() if by_outline else None)


@token_cache(max_entries=64)
def cached_coverage(token: str, _places: Any, centre_id: str, place_filter: PlaceFilter,
                    lang: str) -> pd.DataFrame | None:
    """Return :func:`~origin_map.measure.coverage.coverage_table` for a centre's hub (cached)."""
    from origin_map.measure.compare import load_hubs
    from origin_map.measure.coverage import coverage_table

    return coverage_table(_places, load_hubs(), centres(), centre_id,
                          place_filter=place_filter, lang=lang)


_WARM: list[bool] = []


def warm_caches() -> None:
    """Load what every first page needs (data, centres, outlines), once per server process.

    Then collect garbage once and freeze what is alive (modules, data, caches): the collector
    no longer scans those objects again and again (``runner.postScriptGC`` is off).
    """
    if _WARM:
        return
    _shipped_places()
    centres()
    outlines()
    gc.collect()
    gc.freeze()
    _WARM.append(True)


def dataset_of() -> Dataset:
    """Return the shipped dataset."""
    return Dataset(SHIPPED, "geodata/places.csv", "wgs84", _shipped_places())


def dataset_label(ds: Dataset, lang: str) -> str:
    """Return how the pages name a dataset: the user's file name, or the shipped places."""
    if ds.origin == "merged":
        return text("merge18.label", lang, name=ds.name)
    return text("ui16.shipped_name", lang) if ds.shipped else ds.name


def dataset() -> Dataset:
    """Return this browser session's dataset (the shipped data until a file is accepted)."""
    current = st.session_state.get(_K + "dataset")
    if current is None:
        current = dataset_of()
        st.session_state[_K + "dataset"] = current
    return current


def set_dataset(ds: Dataset) -> None:
    """Make ``ds`` this session's dataset."""
    st.session_state[_K + "dataset"] = ds


def reset_dataset() -> None:
    """Go back to the shipped data."""
    st.session_state.pop(_K + "dataset", None)


# ---------------------------------------------------------------- uploads
def keep_pending_upload() -> None:
    """Remember a picked file (``on_change`` of the uploader) until it is loaded or dropped."""
    up = st.session_state.get(_K + "upload")
    if up is None:
        return
    pick_table(up.name, up.getvalue())


def pick_table(name: str, data: bytes) -> None:
    """Make ``data`` the picked file ``name``, as if uploaded (e.g. a pasted list of names)."""
    st.session_state[_K + "pending"] = (name, data)
    st.session_state.pop(_K + "upload_result", None)


def pending_upload() -> tuple[str, bytes] | None:
    """Return the picked but not yet loaded file (name, bytes), if any."""
    return st.session_state.get(_K + "pending")


def pending_to_load() -> tuple[str, bytes] | None:
    """Return the picked file while it still waits for "Validate and load" (not once refused).

    A file that was tried and refused stays picked (to try again with other options), but
    "picked, not loaded yet" beside "not loaded" would contradict it: the refusal says it all.
    """
    outcome = st.session_state.get(_K + "upload_result") or {}
    return None if outcome.get("error") or outcome.get("accepted") is False else pending_upload()


def drop_pending_upload() -> None:
    """Forget the picked file."""
    st.session_state.pop(_K + "pending", None)


@st.cache_data(show_spinner=False, max_entries=8)
def _read_upload(digest: str, _data: bytes, name: str, part: str) -> RawTable:
    chosen = part.strip() or None
    sheet: str | int | None = int(chosen) if chosen and chosen.isdigit() else chosen
    return read_raw(_data, name=name, sheet=sheet, layer=chosen,
                    float_columns=coordinate_positions)


def upload_table(part: str = "") -> RawTable | None:
    """Return the picked file as read (sheet or layer ``part``); read once, then cached.

    Raises
    ------
    OriginMapError
        When the file cannot be read as a table (the message says why).
    """
    pending = pending_upload()
    if pending is None:
        return None
    name, data = pending
    return _read_upload(hashlib.sha1(data).hexdigest(), data, name, part)


def load_pending_upload(*, centre: Centre, datum: str, unknown_values: str,
                        keep_valid_rows: bool, part: str = "", rows_are: bool = False,
                        saver: Callable[[Dataset, bytes], Dataset] | None = None) -> None:
    """Validate the picked file and make it the dataset if acceptable (a button's callback).

    Runs before the page draws, so the page shows the new data at once. The outcome is kept
    for :func:`show_upload_result`; a rejected file leaves the current data in place. An
    accepted file is passed to ``saver`` (with its bytes), which returns it saved.
    """
    pending = pending_upload()
    if pending is None:
        return
    name, data = pending
    outcome: dict[str, Any] = {"name": name}
    try:
        raw = upload_table(part)
        assert raw is not None
        result = places_from_raw(raw, datum=datum, unknown_values=unknown_values,
                                 centre=centre, rows_are="firm" if rows_are else None)
    except DataValidationError as exc:
        outcome["problems"] = pd.DataFrame([p.as_dict() for p in exc.problems])
        outcome["error"] = True
    except OriginMapError as exc:
        outcome["message"] = exc  # shown in the reader's language where it has a text
        outcome["error"] = True
    else:
        accept = len(result.places) > 0 and (result.n_errors == 0 or keep_valid_rows)
        outcome.update(result=result, accepted=accept)
        if accept:
            token = hashlib.sha1(data + f"|{datum}|{unknown_values}|{rows_are}".encode()
                                 ).hexdigest()[:16]
            ds = Dataset(token, name, datum, result.places)
            set_dataset(saver(ds, data) if saver is not None else ds)
            drop_pending_upload()
    st.session_state[_K + "upload_result"] = outcome


def show_upload_result(lang: str) -> LoadResult | None:
    """Show what the last load did; return its :class:`LoadResult` (None if unreadable)."""
    outcome = st.session_state.get(_K + "upload_result")
    if not outcome:
        return None
    name = md_escape(outcome["name"])
    if outcome.get("error"):
        st.error(text("data.not_loaded", lang, name=name))
        if "message" in outcome:
            exc = outcome["message"]
            st.text(exc.text(lang) if hasattr(exc, "text") else str(exc))
        if "problems" in outcome:
            problems_table(outcome["problems"], lang)
        return None
    result: LoadResult = outcome["result"]
    firms = int((result.places["kind"] == "firm").sum())
    if outcome["accepted"] and "total" in outcome:  # geocoded rows, reviewed and loaded
        st.success(text("firmlist.loaded", lang, name=name, n=len(result.places), firms=firms,
                        left_out=outcome["total"] - len(result.places)))
    elif outcome["accepted"]:
        key = "ui16.loaded_wgs84" if result.datum == "wgs84" else "data.loaded"
        st.success(text(key, lang, name=name, n=len(result.places),
                        left_out=len(result.rejected), datum=vocab.datum_name(result.datum))
                   + " " + text("firmlist.where", lang, firms=firms))
    else:
        st.error(text("data.rejected", lang, name=name, n=result.n_errors))
    if len(result.problems):
        problems_table(result.problems, lang)
    return result
