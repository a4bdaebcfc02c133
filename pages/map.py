import streamlit as st
from streamlit_folium import st_folium

from origin_map import ui
from origin_map.mapping import MARKER_LIMIT, places_at_point

s = ui.sidebar()
ds = ui.dataset()
zh = s.lang == "zh"
placed = ui.places_with_distances(ds.token, ds.places, s.centre, s.radii_m)
shown = s.place_filter.apply(placed)
h3 = None
if s.h3:
    h3 = ui.cached_h3(ds.token, ds.places, s.centre, s.h3_resolution, s.place_filter,
                      max(s.radii_m))  # the same cells as the Density page's H3 table
m = ui.cached_map(ds.token, shown, s, h3)
st.subheader(f"{len(shown)} places · {s.centre.name(s.lang)}" if not zh
             else f"{len(shown)} 个地点 · {s.centre.name(s.lang)}")
if len(shown) > MARKER_LIMIT:
    st.info(f"{len(shown):,} places: drawn as fast clusters without popups (over "
            f"{MARKER_LIMIT:,}). Narrow the filter for per-place details.")
if s.basemap == "gaode":
    st.caption("Gaode tiles use GCJ-02: points and rings are shifted to GCJ-02 for display "
               "only; all distances are computed in WGS-84.")
left, right = st.columns([3, 1])
with left:
    out = st_folium(m, height=640, use_container_width=True, key="om_map",
                    returned_objects=["last_object_clicked"])
with right:
    st.markdown("**Details**" if not zh else "**详情**")
    clicked = (out or {}).get("last_object_clicked")
    if clicked:
        here = places_at_point(shown, clicked["lat"], clicked["lng"], s.basemap)
        ui.show_place_details(here, s.lang)
        if here.empty:
            st.caption("Click a place marker.")
    else:
        st.caption("Click a place marker to see its details here."
                   if not zh else "点击地图上的地点查看详情。")
