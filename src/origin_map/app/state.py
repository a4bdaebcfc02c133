"""The shared sidebar: widgets drawn from the setting declarations, session and URL state.

Each setting's last good value lives in ``st.session_state["om_good"]``; its widget (key
``om_<name>``) is drawn from :data:`origin_map.settings.SETTINGS`. A value the user types that
cannot be used (letters in a number field, a radius of 0, latitude 91) leaves the last good
value in effect, and a message under the field says so in words until the value is fixed.
Links are read once per session with :func:`origin_map.settings.from_query`; a warning about a
link's value stays until the user changes that setting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from origin_map import i18n
from origin_map.app import merging, saved
from origin_map.app.areas import area_status, exact
from origin_map.app.chrome import streamlit_texts
from origin_map.app.data import centres, dataset, dataset_label, pending_to_load
from origin_map.app.show import md_escape
from origin_map.places import vocab
from origin_map.settings import (
    CURRENT_YEAR,
    FIRST_YEAR,
    SETTINGS,
    Message,
    Setting,
    SettingValueError,
    defaults,
    from_query,
    to_query,
)
from origin_map.views import View, resolve

_K = "om_"
_GOOD = "om_good"  # {name: last good value}
_RAW = "om_raw"  # {name: text typed into a text-like field, good or not}
_MSG = "om_msg"  # {name: Message}: why the typed value or the link's value was not used
_RUNS = "om_runs"  # page runs of this session
_WAITED = "om_waited"  # calls of the first visit's fallback timer

SETTINGS_AFTER_S = 5.0
"""A first visit whose map has not reported after this many seconds gets its sidebar anyway."""

PAGES = (  # (script, title key, icon, url path): the navigation, written once
    ("pages/overview.py", "page.overview", "🏠", "overview"),
    ("pages/map.py", "page.map", "🗺️", "map"),
    ("pages/density.py", "page.density", "📊", "density"),
    ("pages/compare.py", "page.compare", "⚖️", "compare"),
    ("pages/data.py", "page.data", "📄", "data"),
    ("pages/about.py", "page.about", "ℹ️", "about"),
)


def _init_state() -> None:
    ss = st.session_state
    if ss.get(_K + "initialised"):
        return
    seeded, messages = from_query(dict(st.query_params))
    good = {**defaults(), **seeded}
    if good["centre"] != "custom":
        chosen = next((c for c in centres() if c.id == good["centre"]), centres()[0])
        good.update(lat=chosen.lat, lon=chosen.lon)
    ss[_GOOD] = good
    ss[_RAW] = {}
    ss[_MSG] = {m.setting: m for m in messages}
    ss[_K + "initialised"] = True
    if saved.URL_KEY in st.query_params:  # ?data=ID: that saved dataset, or why not
        saved.open_linked(str(st.query_params[saved.URL_KEY]))
        if st.query_params.get(merging.URL_KEY) == "1":  # &merge=1: with the shipped data
            merging.merge_current()
    if saved.REVIEW_KEY in st.query_params:  # ?review=ID: a geocoding review in progress
        saved.open_review_link(str(st.query_params[saved.REVIEW_KEY]))


def lang() -> str:
    """Return the language of this session."""
    _init_state()
    return str(st.session_state[_GOOD]["lang"])


def _display(s: Setting, value: Any) -> Any:
    """Return the widget's value for a good setting value."""
    if s.kind in ("number", "rings"):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if s.kind == "multi":
        return list(value)
    if s.kind == "year":
        return CURRENT_YEAR if value is None else value
    return value


def _changed(name: str) -> None:
    """Keep a changed widget's value if good; else keep the last good one and say why."""
    ss = st.session_state
    s = SETTINGS[name]
    raw = ss[_K + name]
    if s.kind in ("number", "rings", "text"):
        ss[_RAW][name] = raw
    try:
        if isinstance(raw, str) and len(raw) > s.max_chars:  # the field shows no counter
            raise SettingValueError("i18n16.too_long", label=s.label, n=f"{len(raw):,}",
                                    max=f"{s.max_chars:,}")
        value = s.parse(raw)
        if name == "rings":
            resolve({**ss[_GOOD], "rings": value}, centres())
    except SettingValueError as exc:
        ss[_MSG][name] = Message(name, "settings.kept", {
            "value": f"{_display(s, ss[_GOOD][name])} {s.unit}".strip()}, exc)
        return
    ss[_GOOD][name] = value
    ss[_MSG].pop(name, None)
    ss[_RAW].pop(name, None)
    if name == "centre" and value != "custom":
        chosen = next(c for c in centres() if c.id == value)
        ss[_GOOD].update(lat=chosen.lat, lon=chosen.lon)
        for key in ("lat", "lon"):
            ss[_RAW].pop(key, None)
            ss[_MSG].pop(key, None)


def _widget(name: str, container: Any, lang: str, **kwargs: Any) -> Any:
    """Draw the widget of setting ``name`` (its state restored first) and its message."""
    ss = st.session_state
    s = SETTINGS[name]
    key = _K + name
    ss[key] = ss[_RAW].get(name, _display(s, ss[_GOOD][name]))
    label = i18n.text(s.label, lang)
    common = {"key": key, "on_change": _changed, "args": (name,)}
    draw = _DRAW[s.kind]
    out = draw(container, label, s, lang, common | kwargs)
    msg = ss[_MSG].get(name)
    if msg is not None and msg.key == "settings.kept":
        container.error(md_escape(msg.text(lang)))
    return out


def _format(name: str, lang: str) -> Callable[[str], str]:
    labels: dict[str, Callable[[str], str]] = {
        "sectors": lambda v: vocab.sector_label(v, lang),
        "kinds": lambda v: vocab.kind_label(v, lang),
        "quality": lambda v: vocab.quality_label(v, lang),
        "base": lambda v: i18n.text(f"basemap.{v}", lang),
        "lang": lambda v: i18n.text(f"lang.{v}", lang),
    }
    if name == "centre":
        by_id = {c.id: c for c in centres()}
        return lambda v: by_id[v].name(lang) if v in by_id else i18n.text("sidebar.custom",
                                                                            lang)
    return labels.get(name, str)


def _draw_choice(c: Any, label: str, s: Setting, lang: str, kw: dict[str, Any]) -> Any:
    widget = c.radio if s.name == "lang" else c.selectbox
    extra = {"horizontal": True} if s.name == "lang" else {}
    return widget(label, list(s.allowed()), format_func=_format(s.name, lang), **extra, **kw)


def _draw_multi(c: Any, label: str, s: Setting, lang: str, kw: dict[str, Any]) -> Any:
    return c.multiselect(label, list(s.allowed()), format_func=_format(s.name, lang), **kw)


def _draw_text(c: Any, label: str, s: Setting, lang: str, kw: dict[str, Any]) -> Any:
    # no max_chars: Streamlit would show an English "3/200" counter; _changed says in words
    # when a value is longer than the setting takes (Setting.max_chars)
    return c.text_input(label, **kw)


def _draw_flag(c: Any, label: str, s: Setting, lang: str, kw: dict[str, Any]) -> Any:
    return c.checkbox(label, **kw)


def _draw_integer(c: Any, label: str, s: Setting, lang: str, kw: dict[str, Any]) -> Any:
    lo, hi = s.bounds or (0, 100)
    return c.slider(label, int(lo), int(hi), **kw)


def _draw_year(c: Any, label: str, s: Setting, lang: str, kw: dict[str, Any]) -> Any:
    lo, hi = s.bounds or (FIRST_YEAR, CURRENT_YEAR)
    return c.slider(label, int(lo), int(hi),
                    help=i18n.text("sidebar.year_help", lang, now=CURRENT_YEAR), **kw)


_DRAW: dict[str, Callable[..., Any]] = {
    "choice": _draw_choice, "multi": _draw_multi, "text": _draw_text, "number": _draw_text,
    "rings": _draw_text, "flag": _draw_flag, "integer": _draw_integer, "year": _draw_year,
}


def _navigation(lang: str) -> None:
    sb = st.sidebar
    for script, title, icon, _ in PAGES:
        sb.page_link(script, label=i18n.text(title, lang), icon=icon)
    sb.divider()


def _link_messages(lang: str) -> None:
    for msg in list(st.session_state[_MSG].values()):
        if msg.key != "settings.kept":
            st.sidebar.warning(md_escape(msg.text(lang)))


def _draw_settings(lang: str) -> None:
    sb = st.sidebar
    sb.subheader(i18n.text("sidebar.settings", lang))
    _widget("centre", sb, lang)
    if st.session_state[_GOOD]["centre"] == "custom":
        c1, c2 = sb.columns(2)
        _widget("lat", c1, lang)
        _widget("lon", c2, lang)
    _widget("radius", sb, lang)
    _widget("rings", sb, lang, help=i18n.text("sidebar.rings_help", lang))
    for name in ("sectors", "kinds", "quality"):
        _widget(name, sb, lang)
    _widget("historic", sb, lang, disabled=st.session_state[_GOOD]["year"] is not None)
    _widget("year", sb, lang)
    _widget("outline", sb, lang, help=i18n.text("sidebar.outline_help", lang))
    _widget("search", sb, lang)
    _widget("base", sb, lang)
    for name in ("heat", "h3"):
        _widget(name, sb, lang)
    if st.session_state[_GOOD]["h3"]:
        _widget("h3res", sb, lang)


def _write_query(good: dict[str, Any]) -> None:
    q = to_query(good)
    if dataset().stored_id:
        q[saved.URL_KEY] = dataset().stored_id
        if dataset().origin == "merged":
            q[merging.URL_KEY] = "1"
    review = saved.review_in_progress()
    if review is not None:
        q[saved.REVIEW_KEY] = review["id"]
    if dict(st.query_params) != q:
        st.query_params.from_dict(q)


def current_view() -> View:
    """Set the page up and return the view of the settings in effect, drawing nothing else.

    The settings' last good values are known before the sidebar is drawn (a widget's change
    is taken by its callback before the script runs), so a page may draw its main content
    first and :func:`draw_sidebar` after it: the Map page sends its map before the sidebar's
    widgets, so that a first visit's browser starts loading the map at once.
    """
    # Here, not in app.py only: until a session has run app.py once, Streamlit serves a deep
    # link such as /map by running pages/map.py on its own, so every page sets this up.
    st.set_page_config(page_title="Origin Map · AI原点社区", page_icon="🗺️", layout="wide")
    _init_state()
    st.session_state[_RUNS] = st.session_state.get(_RUNS, 0) + 1
    return exact(resolve(st.session_state[_GOOD], centres()))


def first_run() -> bool:
    """Return whether this is the session's first page run (a new visitor opening a page)."""
    return bool(st.session_state.get(_RUNS, 0) <= 1)


def sidebar_after_map(view: View, wait_s: float = SETTINGS_AFTER_S) -> None:
    """Draw a first visit's sidebar while its map loads: a heading and a line, no widgets.

    The Map page calls this on a session's first run, before its map has reported back: the
    sidebar's ~20 widgets need ~40 more front-end files and most of the page's script time,
    which would come before the map (docs/load.md, "First visit"). The map reports once it is
    drawn (:func:`origin_map.app.maps.show_map`, ``report_drawn``), which reruns the page with
    the whole sidebar; should it not (the component failed to load), the page reruns after
    ``wait_s`` seconds anyway.
    """
    language = view.lang
    st.sidebar.subheader(i18n.text("sidebar.settings", language))
    st.sidebar.caption(i18n.text("first20.settings_loading", language))
    st.session_state[_WAITED] = 0

    @st.fragment(run_every=wait_s)
    def _no_report_yet() -> None:
        st.session_state[_WAITED] = st.session_state.get(_WAITED, 0) + 1
        if st.session_state[_WAITED] > 1:  # called again ``wait_s`` after it was drawn
            st.rerun(scope="app")

    _no_report_yet()


def draw_sidebar(view: View) -> None:
    """Draw the shared sidebar of ``view`` (from :func:`current_view`) and mirror it in the URL."""
    _widget("lang", st.sidebar, lang())
    language = lang()
    streamlit_texts(language)
    _navigation(language)
    _link_messages(language)
    saved.show_note(language, st.sidebar)
    _draw_settings(language)
    area_status(view)
    _write_query(st.session_state[_GOOD])
    ds = dataset()
    key = "ui16.sidebar_data" if ds.datum == "wgs84" else "sidebar.data"  # no WGS-84 → WGS-84
    st.sidebar.caption(md_escape(i18n.text(key, language, name=dataset_label(ds, language),
                                           n=len(ds.places),
                                           datum=vocab.datum_name(ds.datum))))
    pending = pending_to_load()
    if pending is not None:
        st.sidebar.warning(md_escape(i18n.text("data.pending", language, name=pending[0])))


def sidebar() -> View:
    """Draw the shared sidebar and return the view its settings describe.

    Every page calls this first (in tests Streamlit runs only the page script; in the app the
    entry point and the page), or :func:`current_view` first and :func:`draw_sidebar` later.
    Settings survive page switches and are mirrored in the URL.
    """
    view = current_view()
    draw_sidebar(view)
    return view
