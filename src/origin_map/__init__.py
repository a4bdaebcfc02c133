"""Origin Map: see and measure an innovation cluster on a map.

The package is a library first; this module is its public API, for a notebook or a script::

    import origin_map as om

    places = om.shipped_places()
    centre = om.resolve_centre(None)           # Dongsheng Building, Wudaokou
    om.density_table(places, centre, [500, 1000])

The names below are imported on first use (``import origin_map`` loads neither pandas nor
geopandas, so the command line starts quickly); ``docs/api.md`` lists them with their
parameters. Every error raised on purpose is an :class:`OriginMapError` (a ``ValueError``).
The subpackages hold the rest: ``io`` (reading files), ``geo`` (datums, metres), ``places``,
``measure``, ``render``, ``geocode``; only ``app`` imports Streamlit.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # reading
    "read_places": "origin_map.places.datasets",
    "load_places": "origin_map.places.datasets",
    "shipped_places": "origin_map.places.datasets",
    "load_centres": "origin_map.places.datasets",
    "resolve_centre": "origin_map.places.datasets",
    "Centre": "origin_map.geo.geometry",
    "Rings": "origin_map.geo.geometry",
    "PlaceFilter": "origin_map.places.filters",
    "assign_sectors": "origin_map.places.sector_rules",
    "read_area": "origin_map.measure.areas",
    # measuring
    "density_table": "origin_map.measure.stats",
    "headline": "origin_map.measure.stats",
    "h3_table": "origin_map.measure.hexagons",
    "places_in_area": "origin_map.measure.areas",
    "area_density_table": "origin_map.measure.areas",
    "coverage_table": "origin_map.measure.coverage",
    # geocoding
    "geocode_table": "origin_map.geocode.table",
    "merge_places": "origin_map.geocode.merge",
    # comparing and clustering
    "compare_density": "origin_map.measure.compare",
    "sector_composition": "origin_map.measure.compare",
    "compare_figures": "origin_map.measure.compare",
    "cluster_report": "origin_map.measure.cluster",
    # drawing and reports
    "build_map": "origin_map.render.mapping",
    "render_map_png": "origin_map.render.report",
    "build_report_pdf": "origin_map.render.report",
    # errors
    "OriginMapError": "origin_map.errors",
    "DataValidationError": "origin_map.errors",
    "SettingsError": "origin_map.errors",
    "InputLimitError": "origin_map.errors",
    "AreaError": "origin_map.measure.area_errors",
    "TooFewPlacesError": "origin_map.measure.cluster_report",
    "GeocodingError": "origin_map.errors",
    "ProviderError": "origin_map.geocode.providers",
    "ProviderTransientError": "origin_map.geocode.providers",
    "ProviderRateLimited": "origin_map.geocode.providers",
    "ProviderUnavailable": "origin_map.geocode.providers",
    "ProviderRefused": "origin_map.geocode.providers",
}
"""Each public name and the module that defines it (imported when the name is first used)."""

__all__ = [
    "AreaError",
    "Centre",
    "DataValidationError",
    "GeocodingError",
    "InputLimitError",
    "OriginMapError",
    "PlaceFilter",
    "ProviderError",
    "ProviderRateLimited",
    "ProviderRefused",
    "ProviderTransientError",
    "ProviderUnavailable",
    "Rings",
    "SettingsError",
    "TooFewPlacesError",
    "__version__",
    "area_density_table",
    "assign_sectors",
    "build_map",
    "build_report_pdf",
    "cluster_report",
    "compare_density",
    "compare_figures",
    "coverage_table",
    "density_table",
    "geocode_table",
    "h3_table",
    "headline",
    "load_centres",
    "load_places",
    "merge_places",
    "places_in_area",
    "read_area",
    "read_places",
    "render_map_png",
    "resolve_centre",
    "sector_composition",
    "shipped_places",
]
"""The public names: ``__version__`` and the keys of ``_EXPORTS`` (a test keeps them equal)."""

if TYPE_CHECKING:  # what type checkers and editors see; nothing is imported at run time
    from origin_map.errors import (
        DataValidationError,
        GeocodingError,
        InputLimitError,
        OriginMapError,
        SettingsError,
    )
    from origin_map.geo.geometry import Centre, Rings
    from origin_map.geocode.merge import merge_places
    from origin_map.geocode.providers import (
        ProviderError,
        ProviderRateLimited,
        ProviderRefused,
        ProviderTransientError,
        ProviderUnavailable,
    )
    from origin_map.geocode.table import geocode_table
    from origin_map.measure.area_errors import AreaError
    from origin_map.measure.areas import area_density_table, places_in_area, read_area
    from origin_map.measure.cluster import cluster_report
    from origin_map.measure.cluster_report import TooFewPlacesError
    from origin_map.measure.compare import compare_density, compare_figures, sector_composition
    from origin_map.measure.coverage import coverage_table
    from origin_map.measure.hexagons import h3_table
    from origin_map.measure.stats import density_table, headline
    from origin_map.places.datasets import (
        load_centres,
        load_places,
        read_places,
        resolve_centre,
        shipped_places,
    )
    from origin_map.places.filters import PlaceFilter
    from origin_map.places.sector_rules import assign_sectors
    from origin_map.render.mapping import build_map
    from origin_map.render.report import build_report_pdf, render_map_png


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'origin_map' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later uses skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
