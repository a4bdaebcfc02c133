"""The Data page's choice for a loaded list: the user's list alone, or merged with the shipped data.

The merge is :func:`origin_map.geocode.merge.merge_places` (same normalised name and same
building: the user's row wins), computed once per list and kept. The merged dataset keeps the
user's list (``Dataset.own``), so going back to the list alone needs no new reading or geocoding,
and a merge that fails leaves the list as it was. The choice is carried in the page's link
(``merge=1`` beside ``data=ID``), so a refresh or a colleague's browser shows the same data.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from origin_map.app.data import Dataset, dataset, set_dataset
from origin_map.app.show import md_escape
from origin_map.errors import OriginMapError
from origin_map.i18n import text
from origin_map.io.export import to_csv_bytes

__all__ = ["URL_KEY", "merge_current", "merge_section"]

URL_KEY = "merge"
"""The query-string key of the choice (``merge=1``: merged with the shipped data)."""
_CHOICE = "om_merge_choice"
_FAILED = "om_merge_failed"
CHOICES = ("alone", "merged")


@st.cache_resource(show_spinner=False, max_entries=8)
def _merged(token: str, _places: Any) -> tuple[Any, Any]:
    """Return the shipped places merged with a list, and the summary (cached by list token)."""
    from origin_map.app.data import dataset_of
    from origin_map.geocode.merge import merge_places

    return merge_places(dataset_of().places, _places)


def merged_dataset(own: Dataset) -> Dataset:
    """Return the dataset of ``own`` (the user's list) merged with the shipped data."""
    table, _ = _merged(own.token, own.places)
    return replace(own, token=f"merged-{own.token}", places=table, own=own)


def merge_current() -> None:
    """Merge this session's list with the shipped data (a no-op for the shipped data itself).

    If the merge fails, the list stays as it was and the page says why.
    """
    ds = dataset()
    if ds.shipped or ds.own is not None:
        return
    try:
        set_dataset(merged_dataset(ds))
    except (OriginMapError, KeyError, ValueError) as exc:
        st.session_state[_FAILED] = str(exc)[:300]


def _choose() -> None:
    """Apply the radio's choice (its ``on_change``, before the page draws)."""
    st.session_state.pop(_FAILED, None)
    ds = dataset()
    if st.session_state.get(_CHOICE) == "merged":
        merge_current()
    elif ds.own is not None:
        set_dataset(ds.own)  # the list alone, as loaded: nothing read or geocoded again


def merge_section(lang: str) -> None:
    """On the Data page, after a list is loaded: the choice, and what merging did."""
    ds = dataset()
    if ds.shipped:
        return
    st.subheader(text("merge18.title", lang))
    st.session_state[_CHOICE] = ds.origin if ds.origin == "merged" else "alone"
    st.radio(text("merge18.choice", lang), CHOICES, key=_CHOICE, on_change=_choose,
             horizontal=True, format_func=lambda c: text(f"merge18.{c}", lang),
             help=text("merge18.help", lang))
    failed = st.session_state.get(_FAILED)
    if failed:
        st.error(text("merge18.failed", lang, reason=md_escape(failed)))
    if ds.own is None:
        return
    _, summary = _merged(ds.own.token, ds.own.places)
    first, *more = summary.lines(lang)
    st.success(first)
    for line in more:
        st.info(line)
    if len(summary.other_building):
        _other_building(summary.other_building, lang)


def _other_building(pairs: Any, lang: str) -> None:
    """Show the pairs of one name in two buildings (kept apart), and offer them as CSV."""
    config = {c: st.column_config.Column(text(f"merge18.col_{c}", lang)) for c in pairs.columns}
    st.dataframe(pairs, hide_index=True, width="stretch", column_config=config,
                 height="content" if len(pairs) <= 20 else "auto")
    st.download_button(text("merge18.other_download", lang), to_csv_bytes(pairs),
                       "same-name-other-building.csv", "text/csv", key="om_merge_dl_pairs")
