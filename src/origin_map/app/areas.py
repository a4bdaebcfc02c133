"""Areas in the app: drawn on the map or uploaded, shown everywhere, carried by links; reports.

The area is the setting ``area`` (its link text, :mod:`origin_map.measure.area_links`); the exact
shape
of an upload is kept in the session as well, since a link carries a simplified copy of a large
boundary. Refused shapes (empty, too large, too far, not a polygon) leave the current area and
data as they were, with the reason in the user's language.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Any

import streamlit as st

from origin_map.app.data import Dataset, outlines
from origin_map.app.drawing import drawn
from origin_map.app.show import md_escape, uploader_texts
from origin_map.errors import OriginMapError
from origin_map.i18n import text
from origin_map.measure.area_links import area_to_text
from origin_map.measure.areas import Area, area_from_geojson_dict, area_to_geojson_bytes, read_area
from origin_map.render.area_layers import drawing_datum
from origin_map.views import AREA_FILE, View

_GOOD = "om_good"
_EXACT = "om_area_exact"  # (link text, Area): the shape itself, not the link's copy
_SEEN = "om_area_seen"  # the last drawing taken from the map (not taken twice)


def _message(exc: OriginMapError, lang: str) -> str:
    return exc.text(lang) if hasattr(exc, "text") else str(exc)


def set_area(area: Area) -> bool:
    """Make ``area`` the session's area; return whether its link is a simplified copy."""
    link, simplified = area_to_text(area)
    st.session_state[_GOOD]["area"] = link
    st.session_state[_EXACT] = (link, area)
    return simplified


def clear_area() -> None:
    """Go back to the rings."""
    st.session_state[_GOOD]["area"] = ""
    st.session_state.pop(_EXACT, None)


def exact(view: View) -> View:
    """Return the view with the exact area shape when the session has it."""
    kept = st.session_state.get(_EXACT)
    if view.area is not None and kept and kept[0] == view.value("area"):
        return replace(view, area=kept[1])
    return view


def area_status(view: View) -> None:
    """Show which area the figures are for, its download and the way back to the rings."""
    if view.area is None:
        return
    sb, lang, area = st.sidebar, view.lang, view.area
    sb.info(md_escape(text("area_ui.active", lang, name=area.name, km2=f"{area.area_km2:,.3f}")))
    sb.download_button(text("area_ui.download", lang), area_to_geojson_bytes(area),
                       AREA_FILE, "application/geo+json", key="om_area_dl")
    sb.button(text("area_ui.back", lang), key="om_area_back", on_click=clear_area)


def drawn_shape(out: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return the shape just drawn with the draw tools, or None (a click on a place is not one).

    streamlit-folium reports a clicked place in ``last_active_drawing`` too; only a feature that
    is also among ``all_drawings`` (the draw tools' layer) came from drawing.
    """
    last = (out or {}).get("last_active_drawing")
    if not isinstance(last, dict):
        return None
    geometry = last.get("geometry")
    drawn = (out or {}).get("all_drawings") or []
    if not any(isinstance(f, dict) and f.get("geometry") == geometry for f in drawn):
        return None
    return last


def take_drawing(out: dict[str, Any] | None, view: View) -> None:
    """Use a shape just drawn on the map as the area (once); say why if it is refused."""
    drawing = drawn_shape(out)
    if drawing is None:
        return
    digest = hashlib.sha1(json.dumps(drawing, sort_keys=True).encode()).hexdigest()
    if st.session_state.get(_SEEN) == digest:
        return
    st.session_state[_SEEN] = digest
    try:
        area = area_from_geojson_dict(drawing, name=text("area_ui.drawn", view.lang),
                                      data_centre=(view.centre.lat, view.centre.lon),
                                      datum=drawing_datum(view.basemap))
    except OriginMapError as exc:
        st.error(md_escape(_message(exc, view.lang)))
        return
    set_area(area)
    st.rerun()


def boundary_upload(view: View) -> None:
    """Offer an uploaded boundary (GeoJSON or GeoPackage) as the area (Data page)."""
    lang = view.lang
    st.subheader(text("area_ui.upload_title", lang))
    st.markdown(text("area_ui.upload_help", lang))
    for kind, message in st.session_state.pop("om_area_flash", []):
        getattr(st, kind)(md_escape(message))
    up = st.file_uploader(text("area_ui.file", lang), type=["geojson", "json", "gpkg"],
                          key="om_area_upload")
    uploader_texts(lang, ["geojson", "json", "gpkg"])
    if up is None or not st.button(text("area_ui.use", lang), key="om_area_use"):
        return
    try:
        area = read_area(up.getvalue(), name=up.name.rsplit(".", 1)[0],
                         data_centre=(view.centre.lat, view.centre.lon))
    except OriginMapError as exc:
        st.error(md_escape(text("area_ui.refused", lang, name=up.name,
                                reason=_message(exc, lang))))
        return
    flash = [("warning", w) for w in area.warning_texts(lang)]
    if set_area(area):
        flash.append(("info", text("area_ui.simplified", lang)))
    flash.append(("success", text("area_ui.active", lang, name=area.name,
                                  km2=f"{area.area_km2:,.3f}")))
    st.session_state["om_area_flash"] = flash
    st.rerun()  # every part of the page, and the link, for the new area


def report_buttons(view: View, ds: Dataset) -> None:
    """Make the one-page PDF report or the map PNG on request, then offer the download."""
    from origin_map.render.report import build_report_pdf, render_map_png  # matplotlib: when needed

    lang = view.lang
    st.subheader(text("report_ui.section", lang))
    c1, c2 = st.columns(2)
    kw: dict[str, Any] = {"centre": view.centre, "area": view.area, "lang": lang,
                          "outlines": outlines()}
    shown = ds.places.loc[view.place_filter.mask(ds.places)]
    if c1.button(text("report_ui.make_pdf", lang), key="om_rep_pdf"):
        st.session_state["om_report_pdf"] = drawn(  # one drawing thread: see app.drawing
            build_report_pdf, ds.places, radii_m=view.rings, place_filter=view.place_filter,
            by_outline=view.by_outline, radius_m=view.radius_m,
            data_kind=ds.origin, data_name=ds.name, **kw)
    if c2.button(text("report_ui.make_png", lang), key="om_rep_png"):
        st.session_state["om_report_png"] = drawn(
            render_map_png, shown, radii_m=None if view.area else view.rings, **kw)
    if "om_report_pdf" in st.session_state:
        c1.download_button(text("report_ui.download_pdf", lang), st.session_state["om_report_pdf"],
                           "origin-map-report.pdf", "application/pdf", key="om_rep_pdf_dl")
    if "om_report_png" in st.session_state:
        c2.download_button(text("report_ui.download_png", lang), st.session_state["om_report_png"],
                           "origin-map-map.png", "image/png", key="om_rep_png_dl")
