"""The Streamlit layer: cached loaders, the shared sidebar, session and URL state.

This is the only module of the package that imports streamlit. Pages call :func:`settings` and
:func:`dataset` and pass what they get to the library.
"""

from __future__ import annotations

import copy
import hashlib
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from . import vocab
from .datasets import LoadResult, load_centres, read_places, shipped_places
from .errors import DataValidationError, OriginMapError
from .geometry import Centre, parse_radii_text, ring_radii
from .mapping import BASEMAPS, build_map
from .stats import PlaceFilter, density_table, h3_table, with_distances

DEFAULT_RADIUS_M = 1000.0
DEFAULT_RINGS = "500,2000"
SHIPPED = "shipped"
_K = "om_"  # prefix of every session-state key written here; widget keys are _K + name
_SAVED = "om_saved_"  # the settings themselves, kept while widgets come and go with pages
_WIDGETS = ("lang", "centre", "lat", "lon", "radius", "rings", "sectors", "kinds", "quality",
            "historic", "search", "base", "heat", "h3", "h3res")

PAGES = (  # (script, title, icon): the navigation, written once
    ("pages/overview.py", "Overview · 概览", "🏠"),
    ("pages/map.py", "Map · 地图", "🗺️"),
    ("pages/density.py", "Density · 密度", "📊"),
    ("pages/data.py", "Data · 数据", "📄"),
    ("pages/about.py", "About · 说明", "ℹ️"),
)

LABELS = {
    "en": {"centre": "Centre", "custom": "Custom point (lat, lon)", "radius": "Radius (m)",
           "rings": "Other rings (m, comma-separated)", "sectors": "Sectors", "kinds": "Kinds",
           "quality": "Position quality", "historic": "Include historic tenants",
           "search": "Search names / address", "basemap": "Basemap", "heat": "Heatmap layer",
           "h3": "H3 hexagon layer", "h3res": "H3 resolution", "lang": "Language",
           "settings": "Settings", "lat": "Latitude (WGS-84)", "lon": "Longitude (WGS-84)"},
    "zh": {"centre": "中心", "custom": "自定义坐标（纬度, 经度）", "radius": "半径（米）",
           "rings": "其他圈层（米，逗号分隔）", "sectors": "行业", "kinds": "类型",
           "quality": "位置精度", "historic": "包括历史入驻机构", "search": "搜索名称 / 地址",
           "basemap": "底图", "heat": "热力图", "h3": "H3 六边形密度", "h3res": "H3 分辨率",
           "lang": "语言", "settings": "设置", "lat": "纬度（WGS-84）",
           "lon": "经度（WGS-84）"},
}


@dataclass(frozen=True)
class Settings:
    """What the shared sidebar decided, for the pages."""

    centre: Centre
    radius_m: float
    radii_m: tuple[float, ...]
    place_filter: PlaceFilter
    lang: str
    basemap: str
    heatmap: bool
    h3: bool
    h3_resolution: int


@dataclass(frozen=True)
class Dataset:
    """The places a browser session works on (the shipped data or the user's upload)."""

    token: str
    name: str
    datum: str
    places: Any  # geopandas.GeoDataFrame


# ---------------------------------------------------------------- cached computations
@st.cache_data(show_spinner=False)
def _shipped_places() -> Any:
    return shipped_places()


@st.cache_data(show_spinner=False)
def centres() -> list[Centre]:
    """Return the shipped centres (cached)."""
    return load_centres()


@st.cache_data(show_spinner=False, max_entries=32)
def places_with_distances(token: str, _places: Any, centre: Centre,
                          radii_m: tuple[float, ...]) -> pd.DataFrame:
    """Return the dataset with ``distance_m`` and ``ring_outer_m`` (cached by dataset token)."""
    return with_distances(_places, centre, radii_m)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_density(token: str, _places: Any, centre: Centre, radii_m: tuple[float, ...],
                   place_filter: PlaceFilter) -> pd.DataFrame:
    """Return :func:`origin_map.stats.density_table` (cached)."""
    return density_table(_places, centre, radii_m, place_filter=place_filter)


@st.cache_data(show_spinner="Building H3 table…", max_entries=64)
def cached_h3(token: str, _places: Any, centre: Centre, resolution: int,
              place_filter: PlaceFilter, max_distance_m: float | None) -> pd.DataFrame:
    """Return :func:`origin_map.stats.h3_table` (cached)."""
    return h3_table(_places, centre, resolution=resolution, place_filter=place_filter,
                    max_distance_m=max_distance_m)


@st.cache_resource(show_spinner="Drawing the map…", max_entries=16)
def _cached_map(token: str, _shown: pd.DataFrame, shown_key: str, s: Settings,
                _h3: pd.DataFrame | None) -> Any:
    return build_map(_shown, s.centre, s.radii_m, basemap=s.basemap, lang=s.lang,
                     heatmap=s.heatmap, h3_cells=_h3, focus_radius_m=s.radius_m)


def cached_map(token: str, shown: pd.DataFrame, s: Settings, h3: pd.DataFrame | None) -> Any:
    """Return the folium map for these settings; built only when its inputs change.

    A copy is returned: ``st_folium`` renames the map's elements as it renders, so handing it
    the cached object itself breaks the second render.
    """
    return copy.deepcopy(_cached_map(token, shown, frame_key(shown), s, h3))


def frame_key(frame: pd.DataFrame) -> str:
    """Return a short content hash of a DataFrame (for cache keys)."""
    digest = pd.util.hash_pandas_object(frame.drop(columns="geometry", errors="ignore"),
                                        index=False).to_numpy().tobytes()
    return hashlib.sha1(digest).hexdigest()[:16]


# ---------------------------------------------------------------- dataset of the session
def dataset() -> Dataset:
    """Return this browser session's dataset (the shipped data until a file is accepted)."""
    current = st.session_state.get(_K + "dataset")
    if current is None:
        current = Dataset(SHIPPED, "Origin Map curated places (geodata/places.csv)", "wgs84",
                          _shipped_places())
        st.session_state[_K + "dataset"] = current
    return current


def try_load_upload(data: bytes, name: str, *, centre: Centre, datum: str,
                    unknown_values: str, keep_valid_rows: bool, part: str = ""
                    ) -> tuple[LoadResult | None, bool]:
    """Validate an upload; make it the session's dataset only if acceptable.

    ``part`` names the Excel sheet (name or 0-based number) or GeoPackage layer to read (the
    first if empty). Returns the :class:`LoadResult` (for the problems table), or ``None`` when
    the file could not be read at all (the error is shown), and whether the data was accepted.
    The previous dataset stays active whenever the file is rejected.
    """
    try:
        chosen = part.strip() or None
        sheet: str | int | None = int(chosen) if chosen and chosen.isdigit() else chosen
        result = read_places(data, name=name, datum=datum, unknown_values=unknown_values,
                             centre=centre, sheet=sheet, layer=chosen)
    except DataValidationError as exc:
        st.error(md_escape(f"{name} was not loaded; the previous data stays active."))
        st.dataframe(pd.DataFrame([p.as_dict() for p in exc.problems]), hide_index=True)
        return None, False
    except OriginMapError as exc:
        st.error(md_escape(f"{name} was not loaded: {exc}"))
        return None, False
    accept = len(result.places) > 0 and (result.n_errors == 0 or keep_valid_rows)
    if accept:
        token = hashlib.sha1(data + f"|{datum}|{unknown_values}".encode()).hexdigest()[:16]
        st.session_state[_K + "dataset"] = Dataset(token, name, datum, result.places)
    return result, accept


def reset_dataset() -> None:
    """Go back to the shipped data."""
    st.session_state.pop(_K + "dataset", None)


# ---------------------------------------------------------------- safe display of user text
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>~$:"})


def md_escape(text: object) -> str:
    """Escape user text for ``st.markdown``: no markup, links, HTML or math from data."""
    return str(text if text is not None else "").translate(_MD_SPECIAL).replace("\n", " ")


def show_place_details(places: pd.DataFrame, lang: str) -> None:
    """Show the details of the given places (e.g. all tenants at a clicked point)."""
    for row in places.itertuples():
        first, second = (row.name_zh, row.name_en) if lang == "zh" else (row.name_en, row.name_zh)
        st.markdown(f"**{md_escape(first or second or row.id)}**"
                    + (f"  \n{md_escape(second)}" if first and second else ""))
        st.text(f"{vocab.kind_label(row.kind, lang)} · {vocab.sector_label(row.sector, lang)}"
                f" · {row.distance_m:,.0f} m · {row.position_quality} · {row.status}")
        if row.address:
            st.text(str(row.address))
        st.text(f"Source: {row.source}")
        st.divider()


# ---------------------------------------------------------------- sidebar and URL state
def _from_query(messages: list[str]) -> dict[str, Any]:
    """Read the query string into widget values, rejecting what is not valid."""
    q = st.query_params
    out: dict[str, Any] = {}
    ids = [c.id for c in centres()]
    if "centre" in q:
        text = q["centre"]
        if text in ids:
            out["centre"] = text
        else:
            try:
                lat, lon = (float(v) for v in text.split(","))
                Centre("custom", "", "", lat, lon)
                out.update(centre="custom", lat=lat, lon=lon)
            except (ValueError, OriginMapError):
                messages.append(f"Unknown centre {text!r} in the link; using the default.")
    if "r" in q:
        try:
            r = float(q["r"])
            if not (math.isfinite(r) and 10 <= r <= 100_000):
                raise ValueError
            out["radius"] = r
        except ValueError:
            messages.append(f"Radius {q['r']!r} in the link is not 10–100000 m; using 1000 m.")
    if "rings" in q:
        out["rings"] = q["rings"][:100]
    for key, allowed in (("sectors", vocab.SECTOR_IDS), ("kinds", tuple(vocab.KINDS)),
                         ("quality", tuple(vocab.POSITION_QUALITIES))):
        if key in q:
            values = [v for v in q[key].split(",") if v]
            bad = [v for v in values if v not in allowed]
            if bad:
                messages.append(f"Unknown {key} {', '.join(map(repr, bad))} in the link; "
                                "ignored.")
            out[key] = [v for v in values if v in allowed]
    for key in ("historic", "heat", "h3"):
        if key in q:
            out[key] = q[key] == "1"
    if q.get("lang") in ("en", "zh"):
        out["lang"] = q["lang"]
    if q.get("base") in BASEMAPS:
        out["base"] = q["base"]
    if "search" in q:
        out["search"] = q["search"][:200]
    return out


def _init_state() -> None:
    if st.session_state.get(_K + "initialised"):
        return
    messages: list[str] = []
    seeded = _from_query(messages)
    defaults = {"centre": centres()[0].id, "lat": centres()[0].lat, "lon": centres()[0].lon,
                "radius": DEFAULT_RADIUS_M, "rings": DEFAULT_RINGS,
                "sectors": list(vocab.SECTOR_IDS), "kinds": list(vocab.KINDS),
                "quality": list(vocab.POSITION_QUALITIES), "historic": False, "search": "",
                "lang": "en", "base": "osm", "heat": False, "h3": False, "h3res": 9}
    for key, value in {**defaults, **seeded}.items():
        st.session_state[_SAVED + key] = value
    st.session_state[_K + "url_messages"] = messages
    st.session_state[_K + "initialised"] = True


def _write_query(s: Settings) -> None:
    q: dict[str, str] = {}
    c = s.centre
    q["centre"] = c.id if c.id != "custom" else f"{c.lat:.6f},{c.lon:.6f}"
    q["r"] = f"{s.radius_m:g}"
    q["rings"] = st.session_state[_SAVED + "rings"]
    if s.place_filter.sectors is not None and len(s.place_filter.sectors) < len(vocab.SECTOR_IDS):
        q["sectors"] = ",".join(s.place_filter.sectors)
    if s.place_filter.kinds is not None and len(s.place_filter.kinds) < len(vocab.KINDS):
        q["kinds"] = ",".join(s.place_filter.kinds)
    if s.place_filter.qualities is not None and len(s.place_filter.qualities) < len(
            vocab.POSITION_QUALITIES):
        q["quality"] = ",".join(s.place_filter.qualities)
    if s.place_filter.include_historic:
        q["historic"] = "1"
    if s.place_filter.search:
        q["search"] = s.place_filter.search
    q.update(lang=s.lang, base=s.basemap)
    if s.heatmap:
        q["heat"] = "1"
    if s.h3:
        q["h3"] = "1"
    if dict(st.query_params) != q:
        st.query_params.from_dict(q)


def _save(name: str) -> None:
    st.session_state[_SAVED + name] = st.session_state[_K + name]


def _restore() -> dict[str, Any]:
    """Put the saved settings into the widget keys (before the widgets are drawn)."""
    for name in _WIDGETS:
        st.session_state[_K + name] = st.session_state[_SAVED + name]
    return {name: {"key": _K + name, "on_change": _save, "args": (name,)} for name in _WIDGETS}


def sidebar() -> Settings:
    """Draw the shared sidebar and return the settings it holds.

    Every page calls this first (Streamlit reruns only the page script in tests, and the
    entry point plus the page in the app; one call per run keeps both right). Settings are
    kept in session state under their own keys, so they survive page switches, and mirrored
    in the URL query string.
    """
    # Here, not in app.py only: until a session has run app.py once, Streamlit serves a deep
    # link such as /map by running pages/map.py on its own (its pages-directory mode), so the
    # page config and the navigation links are drawn by every page.
    st.set_page_config(page_title="Origin Map · AI原点社区", page_icon="🗺️", layout="wide")
    _init_state()
    w = _restore()
    ss = st.session_state
    sb = st.sidebar
    for script, title, icon in PAGES:
        sb.page_link(script, label=title, icon=icon)
    sb.divider()
    for msg in ss.get(_K + "url_messages", []):
        sb.warning(msg)
    lang = sb.radio("Language / 语言", ["en", "zh"], **w["lang"], horizontal=True,
                    format_func=lambda v: "English" if v == "en" else "中文")
    L = LABELS[lang]
    sb.subheader(L["settings"])
    all_centres = centres()
    by_id = {c.id: c for c in all_centres}
    choice = sb.selectbox(L["centre"], [*by_id, "custom"], **w["centre"],
                          format_func=lambda i: by_id[i].name(lang) if i in by_id else L["custom"])
    if choice == "custom":
        c1, c2 = sb.columns(2)
        lat = c1.number_input(L["lat"], -90.0, 90.0, **w["lat"], format="%.6f")
        lon = c2.number_input(L["lon"], -180.0, 180.0, **w["lon"], format="%.6f")
        centre = Centre("custom", "自定义中心", "Custom centre", lat, lon)
    else:
        centre = by_id[choice]
    radius = sb.number_input(L["radius"], min_value=10.0, max_value=100_000.0, step=100.0,
                             **w["radius"])
    rings_text = sb.text_input(L["rings"], **w["rings"])
    try:
        extra = parse_radii_text(rings_text) if rings_text.strip() else ()
    except OriginMapError as exc:
        sb.error(f"{md_escape(exc)} Using {radius:g} m only.")
        extra = ()
    radii = ring_radii(radius, extra)
    typed = [p.strip() for p in rings_text.replace(";", ",").split(",") if p.strip()]
    if extra and [float(p) for p in typed] != list(extra):
        sb.info("Rings used (sorted, duplicates removed): "
                + ", ".join(f"{r:g}" for r in radii) + " m")
    sectors = sb.multiselect(L["sectors"], list(vocab.SECTOR_IDS), **w["sectors"],
                             format_func=lambda s: vocab.sector_label(s, lang))
    kinds = sb.multiselect(L["kinds"], list(vocab.KINDS), **w["kinds"],
                           format_func=lambda k: vocab.kind_label(k, lang))
    quality = sb.multiselect(L["quality"], list(vocab.POSITION_QUALITIES), **w["quality"])
    historic = sb.checkbox(L["historic"], **w["historic"])
    search = sb.text_input(L["search"], **w["search"], max_chars=200)
    basemap = sb.selectbox(L["basemap"], list(BASEMAPS), **w["base"],
                           format_func=lambda b: BASEMAPS[b].label_zh if lang == "zh"
                           else BASEMAPS[b].label_en)
    heat = sb.checkbox(L["heat"], **w["heat"])
    h3 = sb.checkbox(L["h3"], **w["h3"])
    h3res = sb.slider(L["h3res"], 6, 11, **w["h3res"]) if h3 else int(ss[_SAVED + "h3res"])
    s = Settings(centre=centre, radius_m=float(radius), radii_m=radii,
                 place_filter=PlaceFilter(sectors=tuple(sectors), kinds=tuple(kinds),
                                          qualities=tuple(quality),
                                          include_historic=historic, search=search),
                 lang=lang, basemap=basemap, heatmap=heat, h3=h3, h3_resolution=int(h3res))
    _write_query(s)
    ds = dataset()
    sb.caption(f"Data: {md_escape(ds.name)} · {len(ds.places)} places · datum {ds.datum} → "
               "WGS-84")
    return s
