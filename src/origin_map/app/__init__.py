"""The Streamlit layer of Origin Map: the only part of the package that imports streamlit.

Pages call :func:`sidebar` first; it returns the :class:`~origin_map.settings.View` the shared
sidebar describes. :func:`dataset` is the session's data; the cached computations, the map
component and the display helpers are here too. Split by job: :mod:`.state` (sidebar, session
and URL state), :mod:`.data` (cached data, uploads), :mod:`.maps` (the map component),
:mod:`.show` (escaped text, translated tables, place details).
"""

from importlib import import_module
from typing import Any

from origin_map.app.areas import boundary_upload, clear_area, report_buttons, take_drawing
from origin_map.app.data import (
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
    dataset_label,
    drop_pending_upload,
    filtered_places,
    keep_pending_upload,
    load_pending_upload,
    pending_to_load,
    pending_upload,
    places_with_distances,
    reset_dataset,
    show_upload_result,
    warm_caches,
)
from origin_map.app.maps import map_for
from origin_map.app.show import (
    bring_into_view,
    centre_column,
    chart,
    colour_swatch,
    column_labels,
    empty_selection,
    md_escape,
    place_details,
    problems_table,
    reader_order,
    table,
    uploader_texts,
)
from origin_map.app.state import (
    PAGES,
    current_view,
    draw_sidebar,
    first_run,
    lang,
    sidebar,
    sidebar_after_map,
)

_LAZY = {  # heavy modules (altair, scipy, matplotlib, rapidfuzz), imported when first used
    "chosen_hubs": ".analysis", "cluster_section": ".analysis", "compare_section": ".analysis",
    "geocode_section": ".geocoding", "needs_geocoding": ".geocoding",
    "dataset_section": ".saved", "review_in_progress": ".saved", "save_upload": ".saved",
    "show_recognised": ".geocoding", "merge_section": ".merging", "paste_names": ".geocoding",
    "cached_walk": ".walk", "coverage_caption": ".walk", "not_covered": ".walk",
    "walk_headline": ".walk", "walk_table_section": ".walk", "OVERVIEW_MINUTES": ".walk",
    "history_section": ".analysis", "year_context": ".analysis",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "OVERVIEW_MINUTES",
    "PAGES",
    "SHIPPED",
    "Dataset",
    "boundary_upload",
    "bring_into_view",
    "cached_area_density",
    "cached_area_headline",
    "cached_coverage",
    "cached_density",
    "cached_h3",
    "cached_headline",
    "cached_walk",
    "centre_column",
    "centres",
    "chart",
    "chosen_hubs",
    "clear_area",
    "cluster_section",
    "colour_swatch",
    "column_labels",
    "compare_section",
    "coverage_caption",
    "current_view",
    "dataset",
    "dataset_label",
    "dataset_section",
    "draw_sidebar",
    "drop_pending_upload",
    "empty_selection",
    "filtered_places",
    "first_run",
    "geocode_section",
    "history_section",
    "keep_pending_upload",
    "lang",
    "load_pending_upload",
    "map_for",
    "md_escape",
    "merge_section",
    "needs_geocoding",
    "not_covered",
    "paste_names",
    "pending_to_load",
    "pending_upload",
    "place_details",
    "places_with_distances",
    "problems_table",
    "reader_order",
    "report_buttons",
    "reset_dataset",
    "review_in_progress",
    "save_upload",
    "show_recognised",
    "show_upload_result",
    "sidebar",
    "sidebar_after_map",
    "table",
    "take_drawing",
    "uploader_texts",
    "walk_headline",
    "walk_table_section",
    "warm_caches",
    "year_context",
]
