"""Exit codes and the options several sub-commands share; argparse only, so ``--help`` is fast.

Nothing here imports pandas: the defaults come from :mod:`origin_map.limits`,
:mod:`origin_map.places.vocab` and :mod:`origin_map.settings`, imported when an option is added.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["EXIT_DATA", "EXIT_OK", "EXIT_USAGE", "SettingRefused", "add_area_options",
           "add_data_options", "add_filter_options", "add_measure_options", "add_output_option",
           "add_rows_are_option", "add_setting_option", "lang_choices"]

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2
"""Success; invalid data or settings (the message says what and how to fix it); wrong usage."""


def _megabytes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of MB")
    return value


class SettingRefused(Exception):  # not a ValueError: argparse lets it through
    """A value of an option the app refuses too: ``origin-map`` exits 1 with the app's message.

    It is deliberately not a ``ValueError``: argparse turns those into a usage error (exit 2)
    with its own wording; this one reaches :func:`origin_map.cli.main`.
    """

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option, self.message = option, message


def setting_type(name: str, option: str) -> Callable[[str], Any]:
    """Return an argparse ``type`` that parses a value as the setting ``name`` does in the app."""

    def parse(text: str) -> Any:
        from origin_map.settings import SETTINGS, SettingValueError

        try:
            return SETTINGS[name].parse(text)
        except SettingValueError as exc:
            raise SettingRefused(option, str(exc)) from None

    parse.__name__ = name
    return parse


def add_setting_option(p: argparse.ArgumentParser, name: str, help_text: str, *,
                       metavar: str, default: Any = ..., dest: str | None = None) -> None:
    """Add the option of setting ``name`` (its flag, parser, bounds and default: the app's).

    ``help_text`` may use ``{default}`` and ``{bounds}``; the label comes from the catalogue.
    """
    from origin_map.i18n import text
    from origin_map.settings import SETTINGS

    s = SETTINGS[name]
    assert s.cli is not None, f"setting {name} has no command-line option"
    value = s.default if default is ... else default
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    bounds = (f"{s.bounds[0]:g} to {s.bounds[1]:g}{(' ' + s.unit) if s.unit else ''}"
              if s.bounds else "")
    kwargs: dict[str, Any] = {"dest": dest} if dest else {}
    p.add_argument(s.cli, type=setting_type(name, s.cli), default=value, metavar=metavar,
                   help=f"{text(s.label, 'en')}: "
                        + help_text.format(default=shown, bounds=bounds), **kwargs)


def lang_choices() -> tuple[str, ...]:
    """Return the languages of ``--lang`` (those of the text catalogue)."""
    from origin_map.i18n import LANGS

    return LANGS


def add_output_option(p: argparse.ArgumentParser) -> None:
    """Add ``--output/-o FILE.csv`` (default: standard output)."""
    p.add_argument("--output", "-o", type=Path, metavar="FILE.csv",
                   help="write here instead of standard output")


def add_data_options(p: argparse.ArgumentParser) -> None:
    """Add the options of reading a places file: datum, size limit, unknown values, part."""
    from origin_map.limits import (
        MAX_UPLOAD_MB,  # no imports: --help and --version stay free of pandas
    )
    from origin_map.places.vocab import DATUMS  # nor does this one

    p.add_argument("--datum", default=None, choices=DATUMS,
                   help="datum of the file's coordinates: wgs84 (GPS/OSM), gcj02 (AMap, "
                        "Tencent, WeChat) or bd09 (Baidu); converted to WGS-84 (default wgs84, "
                        "with a note on stderr)")
    p.add_argument("--max-mb", type=_megabytes, default=float(MAX_UPLOAD_MB), metavar="MB",
                   help=f"refuse input files larger than this (default {MAX_UPLOAD_MB}, the "
                        "app's upload limit; 1 MB = 1024*1024 bytes)")
    p.add_argument("--unknown-values", choices=["error", "default"], default="error",
                   help="a kind/sector/status outside the vocabulary is an error (default), or "
                        "is set to the default value (sector 'unknown') with a warning")
    p.add_argument("--layer", help="GeoPackage layer to read (default: the first)")
    p.add_argument("--sheet", help="Excel sheet to read (default: the first)")
    add_rows_are_option(p)


def add_rows_are_option(p: argparse.ArgumentParser) -> None:
    """Add ``--rows-are KIND``: what every row of the file is (``--kind`` is the filter)."""
    from origin_map.places.vocab import KINDS

    p.add_argument("--rows-are", choices=list(KINDS), metavar="KIND", default=None,
                   help="every row of the file is this kind, e.g. 'firm' for a list of firms "
                        "(a registry export is recognised as one without it); not the "
                        "--kind filter, which counts only the rows of a kind")


def add_filter_options(p: argparse.ArgumentParser) -> None:
    """Add the filter options shared by stats, report, compare and cluster."""
    from origin_map.places.vocab import KINDS, POSITION_QUALITIES, SECTOR_IDS

    p.add_argument("--sector", action="append", metavar="S", choices=SECTOR_IDS,
                   help=f"count only this sector (repeatable): {', '.join(SECTOR_IDS)}")
    p.add_argument("--kind", action="append", metavar="K", choices=list(KINDS),
                   help=f"count only this kind (repeatable): {', '.join(KINDS)}")
    p.add_argument("--quality", action="append", metavar="Q", choices=list(POSITION_QUALITIES),
                   help="count only this position quality (repeatable)")
    p.add_argument("--include-historic", action="store_true",
                   help="count historic (former) tenants too; default: current places only")
    add_setting_option(p, "year", "count the places that were there in YEAR ({bounds}; their "
                       "start year known; see the README); default: now", metavar="YEAR")
    p.add_argument("--search", metavar="TEXT", default="",
                   help="count only places whose name, address or id contains TEXT")
    p.add_argument("--skip-invalid", action="store_true",
                   help="leave out invalid rows (listed on stderr) instead of failing")


def add_measure_options(p: argparse.ArgumentParser) -> None:
    """Add the data, centre, ring and filter options shared by ``stats`` and ``report``.

    Defaults come from the setting declarations (:data:`origin_map.settings.SETTINGS`), so
    ``origin-map stats`` with no option writes the table the app shows with its defaults.
    """
    p.add_argument("--data", metavar="FILE",
                   help="places file (CSV, XLSX, GeoJSON, GPKG), or a .parquet file or a "
                        "folder of GeoParquet files (validated places); default: the "
                        "shipped data")
    from origin_map.cli._store import add_dataset_options

    add_dataset_options(p)
    add_data_options(p)
    p.add_argument("--centre", "--center", metavar="ID|LAT,LON",
                   help="a centre id from geodata/centres.csv or 'LAT,LON' (WGS-84); "
                        "default: dongsheng-building")
    add_setting_option(p, "radius", "main radius in metres, {bounds} (default {default}); "
                       "always one of the rings", metavar="M")
    add_setting_option(p, "rings", "more ring radii in metres (default {default}; '' for "
                       "none), e.g. 500,1000,2000", metavar="M,M,...")
    add_filter_options(p)


def add_area_options(p: argparse.ArgumentParser) -> None:
    """Add --area, --by-outline and --outlines (shared by ``stats`` and ``report``)."""
    p.add_argument("--area", metavar="FILE",
                   help="count the places inside this boundary (GeoJSON or GeoPackage polygon) "
                        "instead of rings; the table has one row per sector plus 'all', with "
                        "ring_inner_m empty and ring_outer_m 'area'")
    p.add_argument("--by-outline", action="store_true",
                   help="count a place with a campus outline (geodata/areas.geojson) when its "
                        "outline comes within the radius (or touches the area), not only its "
                        "point")
    p.add_argument("--outlines", metavar="FILE",
                   help="outlines file (GeoJSON with a place_id property) instead of the "
                        "shipped geodata/areas.geojson")
