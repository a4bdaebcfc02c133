"""A view: the settings resolved into what the library takes, and its command line.

:func:`resolve` turns setting values (:mod:`origin_map.settings`) into a :class:`View` (centre,
rings, filter, language, layers, area); :func:`command_line` writes the ``origin-map`` command
that reproduces what a page shows for it.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from origin_map.geo.geometry import Centre, Rings
    from origin_map.measure.stats import PlaceFilter

__all__ = ["AREA_FILE", "MERGED_FILE", "View", "command_line", "resolve"]

AREA_FILE = "origin-map-area.geojson"
"""The name under which the app offers the area for download (the command reads it)."""
MERGED_FILE = "merged.csv"
"""The file a page's command writes the user's list merged with the shipped data to."""


@dataclass(frozen=True)
class View:
    """The settings resolved into what the library takes (one per page run)."""

    centre: Centre
    rings: Rings
    place_filter: PlaceFilter
    lang: str
    basemap: str
    heatmap: bool
    h3: bool
    h3_resolution: int
    by_outline: bool
    values: tuple[tuple[str, Any], ...]
    area: Any = None  # origin_map.measure.areas.Area, when the figures are for an area, not rings

    @property
    def radius_m(self) -> float:
        """The main radius in metres."""
        return self.rings.main_m

    def value(self, name: str) -> Any:
        """Return the raw value of a setting."""
        return dict(self.values)[name]


def _all_or_chosen(name: str, value: tuple[str, ...]) -> tuple[str, ...] | None:
    """Every value chosen means no restriction (None), as the command line's default."""
    from origin_map.settings import SETTINGS

    return None if set(value) == set(SETTINGS[name].allowed()) else tuple(value)


def resolve(values: Mapping[str, Any], centres: list[Centre]) -> View:
    """Turn setting values into a :class:`View` (centre object, rings, filter)."""
    from origin_map.geo.geometry import Centre, Rings
    from origin_map.measure.stats import PlaceFilter
    from origin_map.settings import defaults

    v = {**defaults(), **values}
    by_id = {c.id: c for c in centres}
    if v["centre"] in by_id:
        centre = by_id[v["centre"]]
    else:
        centre = Centre("custom", "自定义中心", "Custom centre", v["lat"], v["lon"])
    flt = PlaceFilter(sectors=_all_or_chosen("sectors", v["sectors"]),
                      kinds=_all_or_chosen("kinds", v["kinds"]),
                      qualities=_all_or_chosen("quality", v["quality"]),
                      include_historic=bool(v["historic"]), search=v["search"],
                      year=v["year"])
    area = None
    if v["area"]:
        from origin_map.measure.area_links import area_of_link

        area = area_of_link(v["area"])
    return View(centre=centre, rings=Rings.parse(v["radius"], v["rings"]), place_filter=flt,
                lang=v["lang"], basemap=v["base"], heatmap=bool(v["heat"]), h3=bool(v["h3"]),
                h3_resolution=int(v["h3res"]), by_outline=bool(v["outline"]),
                values=tuple(v.items()), area=area)


def _filter_args(view: View) -> list[str]:
    flt = view.place_filter
    args: list[str] = []
    for opt, chosen in (("--sector", flt.sectors), ("--kind", flt.kinds),
                        ("--quality", flt.qualities)):
        for value in chosen or ():
            args += [opt, value]
    if flt.include_historic:
        args.append("--include-historic")
    if flt.year is not None:
        args += ["--year", str(flt.year)]
    if flt.search:
        args += ["--search", flt.search]
    return args


def command_line(view: View, *, command: str = "stats", data: str | None = None,
                 datum: str = "wgs84", centres: tuple[str, ...] = (),
                 dataset: str | None = None, merged: bool = False) -> str:
    """Return the ``origin-map`` command that writes the table a page shows for ``view``.

    ``command`` is ``stats`` (the density table), ``compare`` (of ``centres``) or ``cluster``;
    ``data`` is the file the view's places came from (None: the shipped data), ``dataset`` its
    id in the dataset store if it was saved (then ``--dataset ID`` replaces ``--data``).
    ``merged``: the places are that list merged with the shipped data; the command merges first
    (``origin-map merge ... -o merged.csv &&``) and reads the merged file.
    """
    if merged:
        source = ["--dataset", dataset] if dataset else [data or "", "--datum", datum]
        first = shlex.join(["origin-map", "merge", *source, "-o", MERGED_FILE])
        return f"{first} && " + command_line(view, command=command, data=MERGED_FILE,
                                              centres=centres)
    args = ["origin-map", command]
    if dataset:
        args += ["--dataset", dataset]
    elif data is not None:
        args += ["--data", data, "--datum", datum]
    c = view.centre
    if command == "compare":
        args += ["--centres", ",".join(centres)]
    else:
        args += ["--centre", c.id if c.id != "custom" else f"{c.lat:.6f},{c.lon:.6f}"]
    if command == "stats" and view.area is not None:
        args += ["--area", AREA_FILE]
    else:
        args += ["--radius-m", f"{view.rings.main_m:g}"]
        if command != "cluster":
            args += ["--rings", ",".join(f"{r:g}" for r in view.rings.extra_m)]
    args += _filter_args(view)
    if command == "stats" and view.by_outline:
        args.append("--by-outline")
    if command == "cluster":
        args += ["--seed", "0"]
    return shlex.join(args)
