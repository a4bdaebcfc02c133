import streamlit as st

from origin_map import app
from origin_map.i18n import text
from origin_map.measure.areas import places_in_area
from origin_map.measure.stats import unknown_years
from origin_map.render.mapping import AGGREGATE_LIMIT, MARKER_LIMIT, places_at_point

s = app.sidebar()
ds = app.dataset()
lang = s.lang
shown = app.filtered_places(ds.token, ds.places, s.centre, s.rings, s.place_filter)
inside = int((shown["distance_m"] <= s.radius_m).sum())
if s.area is None:
    st.subheader(text("map.title", lang, shown=len(shown), inside=inside,
                      radius=f"{s.radius_m:,g}", centre=s.centre.name(lang)))
else:
    st.subheader(text("map.title_area", lang, shown=len(shown), name=s.area.name,
                      in_area=int(places_in_area(shown, s.area).sum()),
                      km2=f"{s.area.area_km2:,.3f}", inside=inside, radius=f"{s.radius_m:,g}"))
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
walk = None
if st.toggle(text("walk.choice", lang), key="om_walk_map", help=text("walk.choice_help", lang)):
    walk = app.cached_walk(ds.token, ds.places, s.centre, s.place_filter)
    if walk is None:
        app.not_covered(lang)
    else:
        st.caption(app.coverage_caption(walk, ds.places, s))
left, right = st.columns([3, 1])
with left:
    out = app.map_for(s, ds, shown, walk)
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
