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
import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from origin_map import i18n
from origin_map.errors import OriginMapError, SettingsError
from origin_map.limits import MAX_RADIUS_M
from origin_map.places import vocab
from origin_map.render.basemaps import missing_key, offered_basemaps

__all__ = [
    "CURRENT_YEAR",
    "SETTINGS",
    "Setting",
    "SettingValueError",
    "defaults",
    "from_query",
    "to_query",
]

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
    from origin_map.paths import geodata_dir

    return _centre_ids_in(str(geodata_dir()))


@functools.cache
def _centre_ids_in(folder: str) -> tuple[str, ...]:
    from pathlib import Path

    from origin_map.places.datasets import load_centres

    return (*(c.id for c in load_centres(Path(folder) / "centres.csv")), "custom")


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
        drawn or uploaded area, as the text of :mod:`origin_map.measure.area_links`; "" for none).
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
    needs_key
        For a ``choice``: a function returning the environment variable a known value that is
        not allowed lacks (a basemap without its provider's key), so the message names it.
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
    needs_key: Callable[[str], str | None] | None = field(default=None, compare=False)
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
        env = s.needs_key(text) if s.needs_key else None
        if env:
            raise SettingValueError("tidy.needs_key", value=text[:40], label=s.label, env=env)
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
    from origin_map.geo.geometry import Rings

    text = str(raw if raw is not None else "").strip()[: s.max_chars]
    try:
        Rings.parse(1000.0, text)
    except SettingsError:
        raise SettingValueError("settings.error.bad_rings", value=text[:60],
                                hi=f"{MAX_RADIUS_M:g}") from None
    return text


def _parse_area(s: Setting, raw: Any) -> str:
    """Return an area link text (see :mod:`origin_map.measure.area_links`), or "" for none."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return ""
    from origin_map.measure.area_links import area_of_link

    try:
        area_of_link(text)
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
            choices=offered_basemaps, needs_key=missing_key),
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
    """A message about a setting, in any language: ``text(lang)``.

    ``cause`` is the :class:`SettingValueError` behind it, if any: its text in the same
    language fills the message's ``{problem}``.
    """

    setting: str
    key: str
    fields: Mapping[str, Any]
    cause: SettingValueError | None = None

    def text(self, lang: str) -> str:
        """Return the message in ``lang``."""
        extra = {"problem": self.cause.message(lang)} if self.cause is not None else {}
        return i18n.text(self.key, lang, **self.fields, **extra)


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
        raw = str(query[s.url])
        limit = s.max_chars if s.kind == "text" else max(500, s.max_chars)
        if len(raw) > limit:  # never cut silently: a cut value is not the link's
            messages.append(Message(name, "settings.url.ignored", {"key": s.url},
                                    SettingValueError("i18n16.too_long", label=s.label,
                                                      n=f"{len(raw):,}", max=f"{limit:,}")))
            continue
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
            messages.append(Message(name, "settings.url.ignored", {"key": s.url}, exc))
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

