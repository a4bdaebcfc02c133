import pandas as pd
import streamlit as st

from origin_map import ui, vocab
from origin_map.export import to_csv_bytes

s = ui.sidebar()
ds = ui.dataset()
zh = s.lang == "zh"
st.title("Density by ring and sector" if not zh else "圈层 × 行业密度")
table = ui.cached_density(ds.token, ds.places, s.centre, s.radii_m, s.place_filter)
st.caption("One row per ring × sector plus an 'all' row per ring. Rings are (inner, outer] in "
           "metres from the centre; share is of the ring's places; density is places per km² "
           "of ring area; cumulative counts are within ring_outer_m.")
st.dataframe(table, hide_index=True, width="stretch")
st.download_button("Download density CSV" if not zh else "下载密度 CSV", to_csv_bytes(table),
                   file_name=f"origin-map-density-{s.centre.id}.csv", mime="text/csv",
                   key="om_dl_density")
per = table[table["sector"] != "all"].copy()
rank = {r: i for i, r in enumerate(sorted(set(per["ring_outer_m"])), start=1)}
per["ring"] = [f"{rank[o]}: {i:g}–{o:g} m" for i, o in zip(per["ring_inner_m"],
                                                          per["ring_outer_m"], strict=True)]
per["sector_label"] = per["sector"].map(lambda v: vocab.sector_label(v, s.lang))
per = per[per["count"] > 0]
totals = table[table["sector"] == "all"]
c1, c2, c3 = st.columns(3)
with c1:
    st.markdown("**Places per sector per ring (count)**")
    st.bar_chart(per, x="ring", y="count", color="sector_label", stack=True,
                 x_label="ring (m)", y_label="places")
with c2:
    st.markdown("**Density per ring (places per km², all sectors)**")
    st.bar_chart(totals.assign(ring=[f"{rank[o]}: {o:g} m" for o in totals["ring_outer_m"]]),
                 x="ring", y="density_per_km2", x_label="ring (outer radius)",
                 y_label="places / km²")
with c3:
    st.markdown("**Cumulative places vs distance from centre (m)**")
    cum = totals[["ring_outer_m", "cumulative_count"]]
    cum = pd.concat([pd.DataFrame({"ring_outer_m": [0], "cumulative_count": [0]}), cum])
    st.line_chart(cum, x="ring_outer_m", y="cumulative_count", x_label="distance (m)",
                  y_label="places within")

st.subheader(f"H3 hexagons (resolution {s.h3_resolution})")
h3t = ui.cached_h3(ds.token, ds.places, s.centre, s.h3_resolution, s.place_filter,
                   max(s.radii_m))
st.caption(f"Places within {max(s.radii_m):g} m, counted per H3 cell; density = count / cell "
           "area (km²).")
st.dataframe(h3t, hide_index=True, width="stretch")
st.download_button("Download H3 CSV" if not zh else "下载 H3 CSV", to_csv_bytes(h3t),
                   file_name=f"origin-map-h3-r{s.h3_resolution}-{s.centre.id}.csv",
                   mime="text/csv", key="om_dl_h3")
