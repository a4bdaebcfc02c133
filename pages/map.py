import streamlit as st

from origin_map import app
from origin_map.i18n import text
from origin_map.measure.areas import places_in_area
from origin_map.measure.stats import unknown_years
from origin_map.render.mapping import AGGREGATE_LIMIT, MARKER_LIMIT, places_at_point

# The map is sent first, the sidebar and the texts above it after it; on a session's first run
# the sidebar's widgets wait until the map has been drawn and reported
# back: a first visit's browser loads and runs the map before the widgets' code (docs/load.md).
s = app.current_view()
first = app.first_run()
ds = app.dataset()
lang = s.lang
shown = app.filtered_places(ds.token, ds.places, s.centre, s.rings, s.place_filter)
head = st.container()
left, right = st.columns([3, 1])
walk = None
if st.session_state.get("om_walk_map"):  # the toggle's value, before it is drawn (in head)
    walk = app.cached_walk(ds.token, ds.places, s.centre, s.place_filter)
with left:
    out = app.map_for(s, ds, shown, walk, report_drawn=first)
light = first and out is None
if light:
    app.sidebar_after_map(s)
else:
    app.draw_sidebar(s)
with head:
    inside = int((shown["distance_m"] <= s.radius_m).sum())
    if s.area is None:
        st.subheader(text("map.title", lang, shown=len(shown), inside=inside,
                          radius=f"{s.radius_m:,g}", centre=s.centre.name(lang)))
    else:
        st.subheader(text("map.title_area", lang, shown=len(shown), name=s.area.name,
                          in_area=int(places_in_area(shown, s.area).sum()),
                          km2=f"{s.area.area_km2:,.3f}", inside=inside,
                          radius=f"{s.radius_m:,g}"))
    st.caption(text("map.draw_hint", lang))
    if shown.empty:
        app.empty_selection(lang, s)
    if len(shown) > AGGREGATE_LIMIT:
        st.info(text("map.aggregate", lang, n=f"{len(shown):,}", limit=f"{AGGREGATE_LIMIT:,}"))
    elif len(shown) > MARKER_LIMIT:
        st.info(text("map.many", lang, n=f"{len(shown):,}", limit=f"{MARKER_LIMIT:,}"))
    if s.place_filter.year is not None:
        st.caption(text("map.year_note", lang, year=s.place_filter.year,
                        unknown=unknown_years(ds.places)))
    if s.basemap == "gaode":
        st.caption(text("map.gaode_note", lang))
    st.toggle(text("walk.choice", lang), key="om_walk_map", help=text("walk.choice_help", lang))
    if st.session_state.get("om_walk_map"):
        if walk is None:
            app.not_covered(lang)
        else:
            st.caption(app.coverage_caption(walk, ds.places, s))
app.take_drawing(out, s)
with right:
    st.markdown(f"**{text('map.details', lang)}**")
    clicked = (out or {}).get("last_object_clicked")
    here = shown.iloc[:0]
    if clicked:
        here = places_at_point(shown, clicked["lat"], clicked["lng"], s.basemap)
        app.bring_into_view((clicked["lat"], clicked["lng"]))  # phones: details below the map
    if here.empty:
        st.caption(text("map.click_hint", lang))
    app.place_details(here, lang)
