import streamlit as st

from origin_map import app
from origin_map.i18n import text
from origin_map.io.export import to_csv_bytes
from origin_map.render import charts
from origin_map.views import command_line

# The columns shown, in this order (the centre is the page's title; the CSV has them all).
DENSITY_ORDER = ("ring_outer_m", "sector", "count", "density_per_km2", "share",
                 "cumulative_count", "area_km2", "ring_inner_m")
H3_ORDER = ("h3_cell", "count", "ai_count", "density_per_km2", "distance_m")

s = app.sidebar()
ds = app.dataset()
lang = s.lang
st.title(text("density.title", lang))
if s.area is None:
    table = app.cached_density(ds.token, ds.places, s.centre, s.rings, s.place_filter,
                              s.by_outline)
else:
    table = app.cached_area_density(ds.token, ds.places, s.value("area"), s.area,
                                   s.place_filter, s.by_outline)
    st.info(text("density.area_note", lang, name=app.md_escape(s.area.name)))
if not table["count"].any():
    app.empty_selection(lang, s, in_area=s.area is not None)
st.caption(text("density.caption", lang))
app.table(table, lang, column_order=DENSITY_ORDER)  # what a reader needs first, on a phone too
st.download_button(text("density.download", lang), to_csv_bytes(table),
                   file_name=f"origin-map-density-{s.centre.id}.csv", mime="text/csv",
                   key="om_dl_density")
st.caption(text("density.command", lang))
st.code(command_line(s, data=None if ds.shipped else ds.name, datum=ds.datum,
                     dataset=ds.stored_id, merged=ds.origin == "merged"), language="bash")
if table["count"].any() and s.area is None:
    app.chart(charts.sector_chart(table, lang))  # full width: no slivers
    c2, c3 = st.columns(2)
    app.chart(charts.density_chart(table, lang), c2)
    app.chart(charts.cumulative_chart(table, lang), c3)

app.walk_table_section(s, ds)

st.subheader(text("density.h3_title", lang, res=s.h3_resolution))
h3t = app.cached_h3(ds.token, ds.places, s.centre, s.h3_resolution, s.place_filter,
                   s.rings.outer_m)
st.caption(text("density.h3_caption", lang, radius=f"{s.rings.outer_m:,g}"))
app.table(h3t, lang, column_order=app.reader_order(h3t, H3_ORDER),
          column_config={"centre_id": app.centre_column(s.centre, lang)})
st.download_button(text("density.h3_download", lang), to_csv_bytes(h3t),
                   file_name=f"origin-map-h3-r{s.h3_resolution}-{s.centre.id}.csv",
                   mime="text/csv", key="om_dl_h3")

app.cluster_section(s, ds)
