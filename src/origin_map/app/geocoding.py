"""The Data page's "Geocode addresses" flow: choose a provider, run, review, load.

A picked file without coordinates but with an address column is geocoded with
:func:`origin_map.geocode.geocode_table` (the offline gazetteer by default; online providers
only when the user chooses one and gives its key). The result is shown for review: the user
accepts rows, types or fixes a coordinate, or drops rows, then loads the accepted rows as this
session's data. The geocoded table and the unplaced rows download with one click each.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from origin_map.app import saved
from origin_map.app.data import (
    Dataset,
    drop_pending_upload,
    pending_upload,
    pick_table,
    set_dataset,
    upload_table,
)
from origin_map.app.show import column_labels, md_escape
from origin_map.errors import OriginMapError
from origin_map.geocode import geocode_table, to_places_frame, unplaced_rows
from origin_map.geocode.messages import level_label
from origin_map.geocode.providers import PROVIDERS
from origin_map.i18n import text
from origin_map.io.export import to_csv_bytes
from origin_map.places import vocab
from origin_map.places.columns import COLUMN_ALIASES, column_for, coordinate_positions
from origin_map.places.datasets import places_from_frame
from origin_map.places.sector_rules import assign_sectors
from origin_map.places.table import recognise
from origin_map.store.model import Provenance

_K = "om_geo_"
PROVIDER_IDS = ("gazetteer", *PROVIDERS)
_REVIEW = ("geocode_level", "geocode_score", "geocode_match", "geocode_reason", "lat", "lon",
           "geocode_source")
"""The geocoder's columns, after the file's own (``accept`` comes first): what a reviewer reads
first — level, score, what matched, why — then the editable position."""


def _picked_table() -> tuple[str, pd.DataFrame] | None:
    """Return the picked file's name and table as read (once), or None if it is not a table."""
    pending = pending_upload()
    if pending is None:
        return None
    try:
        raw = upload_table()
    except OriginMapError:
        return None  # not a table: the load step says why
    return (pending[0], raw.frame) if raw is not None else None


def needs_geocoding(lang: str) -> tuple[str, pd.DataFrame] | None:
    """Return the picked file's name and table when it has addresses or names but no coordinates.

    Both are judged by the places reader's column names (:mod:`origin_map.places.columns`): a file
    with ``lat_wgs84``/``lon_wgs84`` and an address loads as places; one with names only (no
    address column) is placed by name (:func:`names_only`).
    """
    found = _picked_table()
    if found is None:
        return None
    header = found[1].columns
    if len(coordinate_positions(header)) == 2 or (column_for(header, "address") is None
                                                  and not names_only(header)):
        return None
    return found


def names_only(header: Any) -> bool:
    """Whether a table has a name column, and neither an address column nor coordinates.

    Such a list is placed by name (level ``name``: the gazetteer's buildings, the shipped firms).
    """
    return (len(coordinate_positions(header)) < 2 and column_for(header, "address") is None
            and any(column_for(header, k) for k in ("name", "name_zh", "name_en")))


def show_recognised(lang: str) -> None:
    """Say which columns of the picked file were recognised, and whether it lists firms."""
    found = _picked_table()
    if found is None:
        return
    seen = recognise(found[1])
    if not seen.columns:
        st.caption(text("firmlist.recognised_none", lang))
        return
    mapping = ", ".join(f"`{c}` ← {md_escape(h)}" for c, h in seen.columns)  # field ids: code
    by_name = names_only(found[1].columns)  # no address column: placed by name
    st.info(text("names18.recognised" if by_name else "firmlist.recognised", lang,
                 mapping=mapping))
    if seen.registry:
        st.caption(text("firmlist.registry_ui", lang))


def paste_names(lang: str) -> None:
    """Offer a text area for a list of names, one a line, placed by name like a names-only file.

    "Use these names" makes the lines the picked file (one column ``name``): the recognised
    columns, the progress bar, the review and the load are those of a file.
    """
    with st.expander(text("names18.paste_title", lang)):
        st.text_area(text("names18.paste", lang), key=_K + "pasted", height=150,
                     max_chars=PASTE_MAX_CHARS, placeholder=text("names18.paste_example", lang))
        st.button(text("names18.paste_use", lang), key=_K + "paste_use", on_click=_use_pasted,
                  args=(lang,))
        if st.session_state.pop(_K + "paste_empty", False):
            st.warning(text("names18.paste_empty", lang))


PASTE_MAX_CHARS = 200_000
"""Largest pasted list (about 10,000 names)."""


def _use_pasted(lang: str) -> None:
    """Make the pasted names the picked file (a callback: runs before the page draws)."""
    lines = [ln.strip() for ln in str(st.session_state.get(_K + "pasted") or "").splitlines()]
    names = [ln for ln in lines if ln]
    if names and names[0].lower() in NAME_HEADERS:  # a header line pasted with the names
        names = names[1:]
    if not names:
        st.session_state[_K + "paste_empty"] = True
        return
    st.session_state.pop(_K + "result", None)
    pick_table(text("names18.pasted_name", lang),
               pd.DataFrame({"name": names}).to_csv(index=False).encode("utf-8"))


NAME_HEADERS = frozenset(h.lower() for k in ("name", "name_zh", "name_en")
                         for h in COLUMN_ALIASES[k])
"""Headers of a name column: a first pasted line that is one of them is not a name."""


def _provider_form(lang: str) -> dict[str, Any]:
    provider = st.selectbox(text("geo.provider", lang), PROVIDER_IDS, key=_K + "provider",
                            format_func=lambda p: text(f"geo.providers.{p}", lang))
    opts: dict[str, Any] = {"provider": provider}
    if provider != "gazetteer":
        url = PROVIDERS[provider].default_url
        if provider == "nominatim":
            url = st.text_input(text("geo.url", lang), value=url, key=_K + "url") or url
            opts["url"] = url
        else:
            opts["key"] = st.text_input(text("geo.key", lang), type="password",
                                        key=_K + "key") or None
        st.warning(text("geo.where", lang, url=md_escape(url)))
    return opts


def _run(frame: pd.DataFrame, centre: Any, opts: dict[str, Any], lang: str,
         name: str = "") -> None:
    bar = st.progress(0.0, text=text("geo.running", lang, n=len(frame)))

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=text("geo.progress", lang, done=done,
                                                      total=total))

    try:
        result = geocode_table(frame, centre=centre, progress=progress, lang=lang, **opts)
    except OriginMapError as exc:
        st.error(md_escape(str(exc)))
        return
    bar.empty()
    review = with_rule_sectors(result.frame)
    review.insert(0, "accept", review["lat"].notna().to_numpy())
    st.session_state[_K + "result"] = (review, result.summary.lines(lang))
    saved.save_review(review, name, opts["provider"], pending_upload())  # then each change


def with_rule_sectors(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the geocoded rows with a sector for each (by keyword rule where the file has none).

    The review shows the sector and which rule gave it, and lets the user change it.
    """
    fields = {f: c for f in ("name", "scope", "industry")
              if (c := column_for(frame.columns, f)) is not None}
    sector = column_for(frame.columns, "sector")
    out = frame.rename(columns={sector: "sector"}) if sector not in (None, "sector") else frame
    return assign_sectors(out, fields=fields)


def geocode_section(centre: Any, lang: str, rows_are: bool = False) -> None:
    """Offer geocoding for a picked file that has addresses but no coordinates.

    ``rows_are``: the user ticked "every row is a firm".
    """
    found = needs_geocoding(lang)
    resumed = saved.review_in_progress()
    if found is None and resumed is None:
        return
    by_name = found is not None and names_only(found[1].columns)
    st.subheader(text("names18.title" if by_name else "geo.title", lang))
    if found is not None:
        name, frame = found  # by name: the gazetteer only (online services need addresses)
        st.info(text("names18.intro" if by_name else "geo.intro", lang, name=md_escape(name),
                     n=len(frame)))
        opts: dict[str, Any] = {"provider": "gazetteer"} if by_name else _provider_form(lang)
        opts["rows_are"] = "firm" if rows_are else None
        if st.button(text("names18.run" if by_name else "geo.run", lang), key=_K + "run",
                     type="primary"):
            _run(frame, centre, opts, lang, name)
    elif resumed is not None:  # a refresh, or the review's link: the review as last saved
        name = resumed["name"]
        st.session_state.setdefault(_K + "result", (resumed["table"], []))
        st.button(text("store.close_review", lang), key=_K + "close", on_click=_close)
    if _K + "result" in st.session_state:
        _review(name, lang)


def _close() -> None:
    """Leave the saved review (it stays in the store until the clean-up removes it)."""
    saved.finish_review()
    st.session_state.pop(_K + "result", None)


def _review(name: str, lang: str) -> None:
    review, summary = st.session_state[_K + "result"]
    for line in summary:
        st.caption(md_escape(line))
    own = [c for c in review.columns if c not in _REVIEW and c != "accept"]
    shown = ["accept", *own, *(c for c in _REVIEW if c in review.columns)]
    view = review[shown].copy()
    if "geocode_level" in view:  # shown in the reader's language, kept as codes in files
        view["geocode_level"] = [level_label(v, lang) for v in view["geocode_level"]]
    edited = st.data_editor(
        view, key=_K + "editor", hide_index=True, width="stretch",
        disabled=[c for c in shown if c not in ("accept", "lat", "lon", "sector")],
        column_config=review_columns(shown, lang))
    if "geocode_level" in edited:  # the rows are fixed (num_rows="fixed"): same order
        edited["geocode_level"] = review["geocode_level"].to_numpy()
    saved.save_review_edits(edited)
    places = to_places_frame(edited, accepted_rows(review, edited))
    c1, c2, c3 = st.columns(3)
    if c1.button(text("geo.load", lang, n=len(places)), key=_K + "load",
                 disabled=places.empty, type="primary"):
        _load(places, name, lang)
    c2.download_button(text("geo.download", lang), to_csv_bytes(edited.drop(columns="accept")),
                       "geocoded.csv", "text/csv", key=_K + "dl")
    c3.download_button(text("geo.download_unplaced", lang),
                       to_csv_bytes(unplaced_rows(edited).drop(columns="accept")),
                       "unplaced.csv", "text/csv", key=_K + "dl_unplaced")


def accepted_rows(review: pd.DataFrame, edited: pd.DataFrame) -> Any:
    """Return which reviewed rows to load: those ticked, and those given a position by hand.

    Typing a latitude and longitude for an unplaced row means taking it: it needs no tick.
    """
    typed = review["lat"].isna().to_numpy() & edited[["lat", "lon"]].notna().all(axis=1)
    return edited["accept"].to_numpy(dtype=bool) | typed.to_numpy(dtype=bool)


def review_columns(columns: list[str], lang: str) -> dict[str, Any]:
    """Return the review table's column settings, headers in ``lang``.

    The geocoder's columns get their catalogue headers; the file's own columns keep their names.
    """
    labels = column_labels(columns, lang)
    config: dict[str, Any] = {c: st.column_config.Column(label) for c, label in labels.items()}
    config["accept"] = st.column_config.CheckboxColumn(text("geo.accept", lang))
    for c in ("lat", "lon"):
        config[c] = st.column_config.NumberColumn(labels.get(c), format="%.6f")
    if "sector" in columns:  # editable: a sector by rule is a guess the user may correct
        config["sector"] = st.column_config.SelectboxColumn(
            text("column.sector", lang), options=list(vocab.SECTOR_IDS), required=True)
    return config


def _load(places: pd.DataFrame, name: str, lang: str) -> None:
    """Validate the accepted rows in memory (no file written or read) and make them the data."""
    table = places.drop(columns="accept")
    result = places_from_frame(table, name=f"{name} (geocoded)", datum="wgs84",
                               unknown_values="default")
    if not len(result.places):
        st.error(text("geo.nothing", lang))
        return
    review = st.session_state[_K + "result"][0]
    token = "geo-" + hashlib.sha1(to_csv_bytes(table)).hexdigest()[:16]
    ds = Dataset(token, f"{name} (geocoded)", "wgs84", result.places)
    prov = saved.finish_review() or Provenance(name, "", "wgs84", "geocode",
                                               str(st.session_state.get(_K + "provider", "")))
    set_dataset(saved.saved(ds, prov))
    st.session_state["om_upload_result"] = {"name": f"{name} (geocoded)", "result": result,
                                            "accepted": True, "total": len(review)}
    drop_pending_upload()
    st.session_state.pop(_K + "result", None)
    st.rerun()
