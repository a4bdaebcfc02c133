"""Every setting of Origin Map, declared once.

A :class:`Setting` holds a setting's type, default, bounds, URL key, label and the option of
the ``origin-map`` command line that carries it. The app's sidebar draws its widgets from
these declarations, reads and writes the URL with :func:`from_query` / :func:`to_query`, and
the command line takes its defaults from them; :func:`command_line` writes the ``origin-map
stats`` command that reproduces a view. Values are checked by :meth:`Setting.parse`, which
raises :class:`SettingValueError` with a catalogue key, so the message reaches the user in
their language.

This module imports neither streamlit nor pandas.
"""

from __future__ import annotations

import datetime as _dt
import math
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import i18n, vocab
from .basemaps import BASEMAPS
from .errors import OriginMapError, SettingsError
from .limits import MAX_RADIUS_M

if TYPE_CHECKING:  # numpy and pandas stay unimported until a view is resolved
    from .geometry import Centre, Rings
    from .stats import PlaceFilter

__all__ = [
    "CURRENT_YEAR",
    "SETTINGS",
    "Setting",
    "SettingValueError",
    "View",
    "command_line",
    "defaults",
    "from_query",
    "resolve",
    "to_query",
]

AREA_FILE = "origin-map-area.geojson"
"""The name under which the app offers the area for download (the command reads it)."""
CURRENT_YEAR = _dt.date.today().year
"""The year "now" stands for on the year slider."""
MIN_RADIUS_M = 10.0
FIRST_YEAR = 1900


class SettingValueError(OriginMapError):
    """A value a setting cannot take; ``key`` and ``fields`` give the message in any language."""

    def __init__(self, key: str, **fields: Any) -> None:
        self.key = key
        self.fields = fields
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        """Return the message in ``lang`` (a ``label`` field is a catalogue key, translated)."""
        fields = dict(self.fields)
        if "label" in fields:
            fields["label"] = i18n.text(fields["label"], lang)
        return i18n.text(self.key, lang, **fields)


def _centre_ids() -> tuple[str, ...]:
    from .datasets import load_centres

    return (*(c.id for c in load_centres()), "custom")


def _number(text: str, setting: Setting) -> float:
    try:
        value = float(str(text).strip())
    except ValueError:
        value = math.nan
    lo, hi = setting.bounds or (-math.inf, math.inf)
    shown = str(text).strip()[:40]
    if not math.isfinite(value):
        raise SettingValueError("settings.error.not_number", value=shown,
                                label=setting.label)
    if not lo <= value <= hi:
        raise SettingValueError("settings.error.out_of_range", value=shown,
                                label=setting.label, lo=f"{lo:g}", hi=f"{hi:g}")
    return value


@dataclass(frozen=True)
class Setting:
    """One setting: its type, default, bounds, URL key, label and command-line option.

    Attributes
    ----------
    name
        Identifier (also the widget key, prefixed, and the key of a view's values).
    kind
        ``choice`` (one of ``choices``), ``multi`` (a subset of ``choices``), ``number``
        (float within ``bounds``), ``integer``, ``year`` (an integer year, or None for now),
        ``flag`` (bool), ``text``, ``rings`` (a list of radii in metres) or ``area`` (a
        drawn or uploaded area, as the text of :mod:`origin_map.area_links`; "" for none).
    default
        The value when nothing says otherwise (``None`` for ``year``: now).
    url
        Query-string key, or None when the setting is not carried in links.
    label
        Catalogue key of the widget label.
    bounds
        Smallest and largest accepted value of numbers.
    choices
        A function returning the allowed values of ``choice``/``multi`` settings.
    cli
        The ``origin-map stats`` option that carries the same setting, if any.
    unit
        Unit shown after a value in messages (``m``, ``°``).
    """

    name: str
    kind: str
    default: Any
    url: str | None
    label: str
    bounds: tuple[float, float] | None = None
    choices: Callable[[], tuple[str, ...]] | None = field(default=None, compare=False)
    cli: str | None = None
    max_chars: int = 200
    unit: str = ""

    def allowed(self) -> tuple[str, ...]:
        """Return the allowed values of a ``choice`` or ``multi`` setting."""
        return self.choices() if self.choices else ()

    def parse(self, raw: Any) -> Any:
        """Return the value ``raw`` (text, or a value of the right type) stands for.

        Raises
        ------
        SettingValueError
            If the value is not one the setting can take; the message names the value, the
            setting and what is accepted.
        """
        parse = _PARSERS[self.kind]
        return parse(self, raw)


def _parse_choice(s: Setting, raw: Any) -> str:
    text = str(raw).strip()
    if text not in s.allowed():
        raise SettingValueError("settings.error.unknown_choice", value=text[:40],
                                label=s.label, allowed=", ".join(s.allowed()))
    return text


def _parse_multi(s: Setting, raw: Any) -> tuple[str, ...]:
    values = raw.split(",") if isinstance(raw, str) else list(raw)
    values = [str(v).strip() for v in values if str(v).strip()]
    bad = [v for v in values if v not in s.allowed()]
    if bad:
        raise SettingValueError("settings.error.unknown_values", values=", ".join(bad)[:80],
                                label=s.label, allowed=", ".join(s.allowed()))
    return tuple(dict.fromkeys(values))


def _parse_flag(s: Setting, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise SettingValueError("settings.error.not_flag", value=text[:40], label=s.label)


def _parse_integer(s: Setting, raw: Any) -> int:
    value = _number(raw, s)
    if not float(value).is_integer():
        raise SettingValueError("settings.error.not_integer", value=str(raw)[:40],
                                label=s.label)
    return int(value)


def _parse_year(s: Setting, raw: Any) -> int | None:
    if raw is None or str(raw).strip().lower() in ("", "now"):
        return None
    year = _parse_integer(s, raw)
    return None if year == CURRENT_YEAR else year


def _parse_text(s: Setting, raw: Any) -> str:
    return str(raw if raw is not None else "").strip()[: s.max_chars]


def _parse_rings(s: Setting, raw: Any) -> str:
    from .geometry import Rings

    text = str(raw if raw is not None else "").strip()[: s.max_chars]
    try:
        Rings.parse(1000.0, text)
    except SettingsError:
        raise SettingValueError("settings.error.bad_rings", value=text[:60],
                                hi=f"{MAX_RADIUS_M:g}") from None
    return text


def _parse_area(s: Setting, raw: Any) -> str:
    """Return an area link text (see :mod:`origin_map.area_links`), or "" for none."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return ""
    from .area_links import area_from_text

    try:
        area_from_text(text)
    except OriginMapError as exc:
        raise SettingValueError("settings.error.bad_area", reason=str(exc)[:200]) from None
    return text


_PARSERS: dict[str, Callable[[Setting, Any], Any]] = {
    "choice": _parse_choice, "multi": _parse_multi, "flag": _parse_flag,
    "number": lambda s, raw: _number(raw, s), "integer": _parse_integer, "year": _parse_year,
    "text": _parse_text, "rings": _parse_rings, "area": _parse_area,
}


def _declare(*items: Setting) -> dict[str, Setting]:
    return {s.name: s for s in items}


SETTINGS: dict[str, Setting] = _declare(
    Setting("lang", "choice", i18n.DEFAULT_LANG, "lang", "sidebar.lang",
            choices=lambda: i18n.LANGS),
    Setting("centre", "choice", "dongsheng-building", "centre", "sidebar.centre",
            choices=_centre_ids, cli="--centre"),
    Setting("lat", "number", 39.992446, None, "sidebar.lat", bounds=(-90.0, 90.0), unit="°"),
    Setting("lon", "number", 116.327708, None, "sidebar.lon", bounds=(-180.0, 180.0),
            unit="°"),
    Setting("radius", "number", 1000.0, "r", "sidebar.radius",
            bounds=(MIN_RADIUS_M, MAX_RADIUS_M), cli="--radius-m", unit="m"),
    Setting("rings", "rings", "500,2000", "rings", "sidebar.rings", cli="--rings", unit="m"),
    Setting("sectors", "multi", vocab.SECTOR_IDS, "sectors", "sidebar.sectors",
            choices=lambda: vocab.SECTOR_IDS, cli="--sector"),
    Setting("kinds", "multi", tuple(vocab.KINDS), "kinds", "sidebar.kinds",
            choices=lambda: tuple(vocab.KINDS), cli="--kind"),
    Setting("quality", "multi", tuple(vocab.POSITION_QUALITIES), "quality", "sidebar.quality",
            choices=lambda: tuple(vocab.POSITION_QUALITIES), cli="--quality"),
    Setting("historic", "flag", False, "historic", "sidebar.historic",
            cli="--include-historic"),
    Setting("year", "year", None, "year", "sidebar.year",
            bounds=(FIRST_YEAR, CURRENT_YEAR), cli="--year"),
    Setting("outline", "flag", False, "outline", "sidebar.outline", cli="--by-outline"),
    Setting("search", "text", "", "search", "sidebar.search"),
    Setting("base", "choice", "osm", "base", "sidebar.basemap",
            choices=lambda: tuple(BASEMAPS)),
    Setting("heat", "flag", False, "heat", "sidebar.heat"),
    Setting("h3", "flag", False, "h3", "sidebar.h3"),
    Setting("h3res", "integer", 9, "h3res", "sidebar.h3res", bounds=(6, 11), cli="--h3"),
    Setting("area", "area", "", "area", "sidebar.area", max_chars=20_000),
)
"""The settings, in the order the sidebar shows them."""


def defaults() -> dict[str, Any]:
    """Return every setting's default value (centre, lat, lon: the first shipped centre)."""
    out = {name: s.default for name, s in SETTINGS.items()}
    ids = SETTINGS["centre"].allowed()
    if ids and ids[0] != out["centre"]:
        out["centre"] = ids[0]
    return out


@dataclass(frozen=True)
class Message:
    """A message about a setting, in any language: ``text(lang)``."""

    setting: str
    key: str
    fields: Mapping[str, Any]

    def text(self, lang: str) -> str:
        """Return the message in ``lang``."""
        return i18n.text(self.key, lang, **self.fields)


def _query_centre(text: str, out: dict[str, Any], messages: list[Message]) -> None:
    s = SETTINGS["centre"]
    if text in s.allowed() and text != "custom":
        out["centre"] = text
        return
    try:
        lat_text, lon_text = text.split(",")
        lat, lon = SETTINGS["lat"].parse(lat_text), SETTINGS["lon"].parse(lon_text)
    except (ValueError, SettingValueError):
        messages.append(Message("centre", "settings.url.bad_centre", {"value": text[:60]}))
        return
    out.update(centre="custom", lat=lat, lon=lon)


def from_query(query: Mapping[str, str]) -> tuple[dict[str, Any], list[Message]]:
    """Read settings from a query string; return the valid values and a message for the rest.

    A value that cannot be used is left out (the setting keeps its default) and a message says
    so. In a list (``sectors=a,b``), unknown entries are dropped with a message; if none is
    left, the whole value is ignored, so a link never selects nothing by accident.
    """
    out: dict[str, Any] = {}
    messages: list[Message] = []
    for name, s in SETTINGS.items():
        if s.url is None or s.url not in query:
            continue
        raw = str(query[s.url])[: max(500, s.max_chars)]
        if name == "centre":
            _query_centre(raw, out, messages)
            continue
        if s.kind == "multi":
            values = [v.strip() for v in raw.split(",") if v.strip()]
            good = [v for v in values if v in s.allowed()]
            bad = [v for v in values if v not in s.allowed()]
            if bad:
                messages.append(Message(name, "settings.url.unknown_values" if good else
                                        "settings.url.all_unknown",
                                        {"values": ", ".join(bad)[:80], "key": s.url}))
            if good:
                out[name] = tuple(dict.fromkeys(good))
            continue
        try:
            out[name] = s.parse(raw)
        except SettingValueError as exc:
            messages.append(Message(name, "settings.url.ignored", {
                "key": s.url, "reason_en": exc.message("en"), "reason_zh": exc.message("zh")}))
    return out, messages


def _url_value(s: Setting, value: Any) -> str:
    if s.kind == "multi":
        return ",".join(value)
    if s.kind == "flag":
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def to_query(values: Mapping[str, Any]) -> dict[str, str]:
    """Return the query string of ``values``: every setting that differs from its default."""
    base = defaults()
    q: dict[str, str] = {}
    for name, s in SETTINGS.items():
        value = values.get(name, base[name])
        if s.url is None or value == base[name] or value is None:
            continue
        if name == "centre" and value == "custom":
            q["centre"] = f"{values['lat']:.6f},{values['lon']:.6f}"
            continue
        q[s.url] = _url_value(s, value)
    return q


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
    area: Any = None  # origin_map.areas.Area, when the figures are for an area, not rings

    @property
    def radius_m(self) -> float:
        """The main radius in metres."""
        return self.rings.main_m

    def value(self, name: str) -> Any:
        """Return the raw value of a setting."""
        return dict(self.values)[name]


def _all_or_chosen(name: str, value: tuple[str, ...]) -> tuple[str, ...] | None:
    """Every value chosen means no restriction (None), as the command line's default."""
    return None if set(value) == set(SETTINGS[name].allowed()) else tuple(value)


def resolve(values: Mapping[str, Any], centres: list[Centre]) -> View:
    """Turn setting values into a :class:`View` (centre object, rings, filter)."""
    from .geometry import Centre, Rings
    from .stats import PlaceFilter

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
        from .area_links import area_from_text

        area = area_from_text(v["area"])
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
                 datum: str = "wgs84", centres: tuple[str, ...] = ()) -> str:
    """Return the ``origin-map`` command that writes the table a page shows for ``view``.

    ``command`` is ``stats`` (the density table), ``compare`` (of ``centres``) or ``cluster``;
    ``data`` is the file the view's places came from (None: the shipped data).
    """
    args = ["origin-map", command]
    if data is not None:
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
