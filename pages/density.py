import streamlit as st

from origin_map import charts, ui
from origin_map.export import to_csv_bytes
from origin_map.i18n import text
from origin_map.views import command_line

s = ui.sidebar()
ds = ui.dataset()
lang = s.lang
st.title(text("density.title", lang))
if s.area is None:
    table = ui.cached_density(ds.token, ds.places, s.centre, s.rings, s.place_filter,
                              s.by_outline)
else:
    table = ui.cached_area_density(ds.token, ds.places, s.value("area"), s.area,
                                   s.place_filter, s.by_outline)
    st.info(text("density.area_note", lang, name=ui.md_escape(s.area.name)))
if not table["count"].any():
    ui.empty_selection(lang)
st.caption(text("density.caption", lang))
ui.table(table, lang)
st.download_button(text("density.download", lang), to_csv_bytes(table),
                   file_name=f"origin-map-density-{s.centre.id}.csv", mime="text/csv",
                   key="om_dl_density")
st.caption(text("density.command", lang))
st.code(command_line(s, data=None if ds.shipped else ds.name, datum=ds.datum,
                     dataset=ds.stored_id), language="bash")
if table["count"].any() and s.area is None:
    c1, c2, c3 = st.columns(3)
    c1.altair_chart(charts.sector_chart(table, lang), width="stretch")
    c2.altair_chart(charts.density_chart(table, lang), width="stretch")
    c3.altair_chart(charts.cumulative_chart(table, lang), width="stretch")

st.subheader(text("density.h3_title", lang, res=s.h3_resolution))
h3t = ui.cached_h3(ds.token, ds.places, s.centre, s.h3_resolution, s.place_filter,
                   s.rings.outer_m)
st.caption(text("density.h3_caption", lang, radius=f"{s.rings.outer_m:g}"))
ui.table(h3t, lang)
st.download_button(text("density.h3_download", lang), to_csv_bytes(h3t),
                   file_name=f"origin-map-h3-r{s.h3_resolution}-{s.centre.id}.csv",
                   mime="text/csv", key="om_dl_h3")

ui.cluster_section(s, ds)
