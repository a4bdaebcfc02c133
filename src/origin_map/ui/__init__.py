"""The Streamlit layer of Origin Map: the only part of the package that imports streamlit.

Pages call :func:`sidebar` first; it returns the :class:`~origin_map.settings.View` the shared
sidebar describes. :func:`dataset` is the session's data; the cached computations, the map
component and the display helpers are here too. Split by job: :mod:`.state` (sidebar, session
and URL state), :mod:`.data` (cached data, uploads), :mod:`.maps` (the map component),
:mod:`.show` (escaped text, translated tables, place details).
"""

from importlib import import_module
from typing import Any

from .areas import boundary_upload, clear_area, report_buttons, take_drawing
from .data import (
    SHIPPED,
    Dataset,
    cached_area_density,
    cached_area_headline,
    cached_coverage,
    cached_density,
    cached_h3,
    cached_headline,
    centres,
    dataset,
    drop_pending_upload,
    filtered_places,
    keep_pending_upload,
    load_pending_upload,
    pending_upload,
    places_with_distances,
    reset_dataset,
    show_upload_result,
    warm_caches,
)
from .maps import map_for
from .show import column_labels, empty_selection, md_escape, place_details, problems_table, table
from .state import PAGES, lang, sidebar

_LAZY = {  # heavy modules (altair, scipy, matplotlib, rapidfuzz), imported when first used
    "chosen_hubs": ".analysis", "cluster_section": ".analysis", "compare_section": ".analysis",
    "geocode_section": ".geocoding", "needs_geocoding": ".geocoding",
    "dataset_section": ".saved", "review_in_progress": ".saved", "save_upload": ".saved",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "PAGES",
    "SHIPPED",
    "Dataset",
    "boundary_upload",
    "cached_area_density",
    "cached_area_headline",
    "cached_coverage",
    "cached_density",
    "cached_h3",
    "cached_headline",
    "centres",
    "chosen_hubs",
    "clear_area",
    "cluster_section",
    "column_labels",
    "compare_section",
    "dataset",
    "dataset_section",
    "drop_pending_upload",
    "empty_selection",
    "filtered_places",
    "geocode_section",
    "keep_pending_upload",
    "lang",
    "load_pending_upload",
    "map_for",
    "md_escape",
    "needs_geocoding",
    "pending_upload",
    "place_details",
    "places_with_distances",
    "problems_table",
    "report_buttons",
    "reset_dataset",
    "review_in_progress",
    "save_upload",
    "show_upload_result",
    "sidebar",
    "table",
    "take_drawing",
    "warm_caches",
]
