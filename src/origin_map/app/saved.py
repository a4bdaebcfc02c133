"""The session's saved dataset: opened from a link, saved when loaded, its link, its deletion.

A loaded list is saved in the dataset store (:mod:`origin_map.store`) and its id is carried in
the page's link as ``?data=ID`` with every other setting, so a refresh, a second browser or
another worker behind the proxy opens the same list. A link whose id is broken or unknown says
so in the sidebar and the shipped data is shown instead. The store is opened once per server
process (from the environment ``origin-map app`` sets: ``ORIGIN_MAP_STORE``,
``ORIGIN_MAP_DATA_DIR``, ``ORIGIN_MAP_KEEP_DAYS``); the process removes the datasets not opened
for that many days then and every hour. A review of geocoding results is saved as it happens
(``?review=ID``): each change the reviewer makes to a row (keep or drop it, its position, its
sector) is one decision, saved at once and applied again when the review is reopened.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from origin_map.app.data import Dataset, dataset, reset_dataset, set_dataset
from origin_map.app.show import md_escape
from origin_map.i18n import text
from origin_map.store.errors import StoreError
from origin_map.store.model import Provenance

_NOTE = "om_store_note"  # (catalogue key, StoreError): why the list was not saved or opened
URL_KEY = "data"
"""The query-string key of a dataset id."""


RETRY_S = 60.0
"""A store that could not be opened is tried again after this many seconds."""
CLEAN_EVERY_S = 3600.0
"""How often the server removes the datasets not opened for ``keep_days`` days."""
_LOCK = threading.Lock()
_OPENED: dict[str, Any] = {"store": None, "error": None, "failed_at": 0.0, "cleaned_at": 0.0}


def _store() -> Any:
    """Return the store of this server process (or the :class:`StoreError` opening it gave).

    Opened once per process; the clean-up (datasets not opened for ``keep_days`` days) runs
    then and every :data:`CLEAN_EVERY_S` seconds after (``origin-map datasets clean-up`` runs
    it from cron as well).
    """
    from origin_map.store.datasets import store_from_env

    with _LOCK:
        now = time.monotonic()
        if _OPENED["store"] is None:
            if _OPENED["error"] is not None and now - _OPENED["failed_at"] < RETRY_S:
                return _OPENED["error"]
            try:
                _OPENED["store"] = store_from_env()
            except StoreError as exc:
                _OPENED.update(error=exc, failed_at=now)
                return exc
        if now - _OPENED["cleaned_at"] > CLEAN_EVERY_S or not _OPENED["cleaned_at"]:
            _OPENED["cleaned_at"] = now
            try:
                _OPENED["store"].clean_up()
            except StoreError:
                pass  # tried again in an hour; opening and saving say what is wrong
        return _OPENED["store"]


def reset_store() -> None:
    """Forget the opened store (tests: open the one the environment names now)."""
    with _LOCK:
        if _OPENED["store"] is not None:
            _OPENED["store"].close()
        _OPENED.update(store=None, error=None, failed_at=0.0, cleaned_at=0.0)


def _note(key: str, exc: StoreError) -> None:
    st.session_state[_NOTE] = (key, exc)


def open_linked(dataset_id: str) -> None:
    """Make the dataset of a link this session's data; else keep why not (shipped data stays)."""
    store = _store()
    if isinstance(store, StoreError):
        _note("store.fallback", store)
        return
    try:
        opened = store.open(dataset_id)
    except StoreError as exc:
        _note("store.fallback", exc)
        return
    info = opened.info
    set_dataset(Dataset(f"store-{info.id}-{info.n_decisions}", info.name,
                        info.provenance.datum, opened.places(), stored_id=info.id))


def saved(ds: Dataset, provenance: Provenance) -> Dataset:
    """Save ``ds``'s places as a new dataset; return it with its id (unchanged if refused)."""
    store = _store()
    st.session_state.pop(_NOTE, None)
    try:
        if isinstance(store, StoreError):
            raise store
        dataset_id = store.save(ds.places, provenance, name=ds.name)
    except StoreError as exc:
        _note("store.not_saved", exc)
        return ds
    return replace(ds, stored_id=dataset_id)


def save_upload(ds: Dataset, data: bytes) -> Dataset:
    """Save an accepted upload (its reader decided from the file's content, as on reading)."""
    from origin_map.io.sniff import detect_format

    reader = detect_format(data, ds.name)[0] if data.strip() else ""
    return saved(ds, Provenance(ds.name, reader, ds.datum))


def show_note(lang: str, where: Any) -> None:
    """Show why the link's dataset was not opened, or why the list was not saved."""
    note = st.session_state.get(_NOTE)
    if note is None:
        return
    key, exc = note
    where.warning(md_escape(text(key, lang, reason=exc.text(lang))))


def link_of(dataset_id: str) -> str:
    """Return the link that opens this page with ``dataset_id`` and the current settings."""
    query = {**st.query_params.to_dict(), URL_KEY: dataset_id}
    base = str(getattr(st.context, "url", "") or "").split("?", 1)[0]
    return f"{base}?{urlencode(query)}"


def _delete(dataset_id: str) -> None:
    store = _store()
    if not isinstance(store, StoreError):
        try:
            store.delete(dataset_id)
        except StoreError as exc:  # already removed: the session goes back all the same
            _note("store.fallback", exc)
    reset_dataset()
    st.session_state["om_store_deleted"] = dataset_id


def dataset_section(lang: str) -> None:
    """On the Data page: the link to this session's saved dataset, and its delete button."""
    deleted = st.session_state.pop("om_store_deleted", None)
    if deleted:
        st.info(text("store.deleted", lang, id=deleted))
    ds = dataset()
    if not ds.stored_id:
        return
    store = _store()
    st.subheader(text("store.link", lang))
    st.caption(text("store.saved", lang, id=ds.stored_id) + " " + text("store.copy_link", lang))
    st.code(link_of(ds.stored_id), language=None, wrap_lines=True)
    days = store.limits.keep_days if not isinstance(store, StoreError) else 0
    st.caption(text("store.link_help", lang, days=f"{days:g}"))
    st.button(text("store.delete", lang), key="om_store_delete", on_click=_delete,
              args=(ds.stored_id,))


# ---------------------------------------------------------------- a geocoding review in progress
REVIEW_KEY = "review"
"""The query-string key of a geocoding review in progress (a dataset id)."""
_REVIEW = "om_store_review"  # {"id", "name", "provenance", "table", "saved": the last saved table}
_STATE = ("accept", "lat", "lon", "sector")
"""The review table's columns a reviewer changes, each change one saved decision."""


def _state(table: Any) -> Any:
    """Return the columns of ``table`` a reviewer changes (``sector`` if it has one), copied."""
    return table[[c for c in _STATE if c in table.columns]].copy()


def save_review(table: Any, name: str, provider: str,
                source: tuple[str, bytes] | None = None) -> None:
    """Save a new geocoding review table as a dataset; its link then carries ``review=ID``.

    ``source`` is the geocoded file (name, bytes): its reader is recorded.
    """
    from origin_map.io.sniff import detect_format

    reader = detect_format(source[1], source[0])[0] if source and source[1].strip() else ""
    prov = Provenance(name, reader, "wgs84", "geocode", provider)
    st.session_state.pop(_REVIEW, None)
    store = _store()
    try:
        if isinstance(store, StoreError):
            raise store
        review_id = store.save(table, prov, name=name)
    except StoreError as exc:
        _note("store.not_saved", exc)
        return
    st.session_state[_REVIEW] = {"id": review_id, "name": name, "provenance": prov,
                                 "table": table, "saved": _state(table)}
    st.query_params[REVIEW_KEY] = review_id  # now: the sidebar wrote the link before this ran


def open_review_link(review_id: str) -> None:
    """Return to the review of a link (``review=ID``) as it was last saved; else say why not."""
    store = _store()
    try:
        if isinstance(store, StoreError):
            raise store
        opened = store.open(review_id)
    except StoreError as exc:
        _note("store.fallback", exc)
        return
    table = opened.review_table()
    st.session_state[_REVIEW] = {"id": opened.info.id, "name": opened.info.name,
                                 "provenance": opened.info.provenance, "table": table,
                                 "saved": _state(table)}


def review_in_progress() -> dict[str, Any] | None:
    """Return the saved review of this session (``id``, ``name``, ``table`` ...), if any."""
    return st.session_state.get(_REVIEW)


def save_review_edits(edited: Any) -> None:
    """Save each row the reviewer changed since the last save, one decision at a time."""
    from origin_map.store.rows import decisions_between

    review = review_in_progress()
    store = _store()
    if review is None or isinstance(store, StoreError):
        return
    before = review["saved"]
    for decision in decisions_between(before, edited[list(before.columns)]):
        try:
            store.decide(review["id"], decision)
        except StoreError as exc:
            _note("store.decision_not_saved", exc)
            return
        row, cols = decision.row, before.columns
        if decision.action in ("accept", "drop"):
            before.iloc[row, cols.get_loc("accept")] = decision.action == "accept"
        elif decision.action == "position":
            before.iloc[row, [cols.get_loc("lat"), cols.get_loc("lon")]] = [
                edited["lat"].iloc[row], edited["lon"].iloc[row]]
        elif decision.action == "sector":
            before.iloc[row, cols.get_loc("sector")] = decision.sector
    st.session_state.pop(_NOTE, None)


def finish_review() -> Provenance | None:
    """End the review in progress (its rows were loaded); return its provenance."""
    review = st.session_state.pop(_REVIEW, None)
    return review["provenance"] if review else None
