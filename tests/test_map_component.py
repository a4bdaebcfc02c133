"""The map component gets from origin_map.app.maps exactly what st_folium would send it."""

from __future__ import annotations

import json
import re
import textwrap

from streamlit.testing.v1 import AppTest

SCRIPT = textwrap.dedent("""
    import streamlit as st
    from streamlit_folium import st_folium

    from origin_map.render.mapping import base_map
    from origin_map.app.maps import render_base, show_map
    from origin_map.geo.geometry import Centre, Rings

    m = base_map(basemap="osm", lang="en", location=(39.99, 116.33), zoom=15, height_px=640)
    if st.query_params.get("via") == "st_folium":
        st_folium(m, key="x", height=640, use_container_width=True,
                  returned_objects=["last_object_clicked", "last_active_drawing",
                                    "all_drawings"])
    else:
        parts = render_base(m, key="x")
        show_map(parts, ("", None), centre=Centre("c", "", "", 39.99, 116.33),
                 rings=Rings.build(1000), basemap="osm", key="x")
        # what the front end's own page loads (origin_map.app.frontend)
        from origin_map.app.frontend import frontend_dir, preloaded

        folder = frontend_dir(preloaded(parts.js_links), preloaded(parts.css_links))
        st.session_state["page"] = open(folder + "/index.html", encoding="utf-8").read()
""")


def _args(via: str) -> dict:
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.query_params["via"] = via
    at.run()
    assert not at.exception, at.exception
    args = json.loads(at.get("component_instance")[0].proto.json_args)
    if via != "st_folium":  # the links the front end's page loads itself, before its script
        page = at.session_state["page"]
        args["page_js"] = re.findall(r'<script defer="defer" src="(/[^"]+)"', page)
        args["page_css"] = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
        assert page.index(args["page_js"][0]) < page.index("./static/js/main.")
    return args


def test_our_arguments_are_the_ones_st_folium_sends():
    theirs, ours = _args("st_folium"), _args("ours")
    assert set(ours) - {"page_js", "page_css"} == set(theirs)
    def same(value: object) -> object:  # folium names elements with random hex ids
        return re.sub(r"_[0-9a-f]{32}", "_ID", value) if isinstance(value, str) else value

    for name in ("header", "html", "id", "height", "returned_objects"):
        assert same(ours[name]) == same(theirs[name]), name
    # the script: st_folium's, with the tools' part run after the markers (maps.tools_later)
    from origin_map.app.maps import tools_later

    assert same(ours["script"]) == same(tools_later(theirs["script"]))
    assert "/*om:tools*/" in theirs["script"] and "/*om:tools*/" not in ours["script"]
    import streamlit_folium as sf  # the key: st_folium's hash of the script sent

    assert ours["key"] == sf.generate_js_hash(ours["script"], "x", False)
    # every script and stylesheet st_folium loads is loaded by ours too, in the bundles or on
    # its own (ours adds the plugins a later layer may need: clusters, heatmap, drawing),
    # except those no element of ours uses (origin_map.render.bundle.UNUSED)
    from origin_map.render.bundle import BUNDLE_CSS, BUNDLE_JS, UNUSED

    def files(links: list[str], members: tuple[str, ...]) -> set[str]:
        out = set()
        for link in links:
            rel = link.split("/app/static/vendor/", 1)[-1]
            out |= set(members) if link.startswith("/app/static/bundle/") else {rel}
        return out

    js, css = ours["js_links"] + ours["page_js"], ours["css_links"] + ours["page_css"]
    assert files(theirs["js_links"], BUNDLE_JS) - UNUSED <= files(js, BUNDLE_JS)
    assert files(theirs["css_links"], BUNDLE_CSS) - UNUSED <= files(css, BUNDLE_CSS)
    # the bundles: loaded by the front end's page, not again by its script
    assert ours["js_links"] == [] and ours["css_links"] == []
    assert len(ours["page_js"]) == 1 and len(ours["page_css"]) == 1
