import streamlit as st

from origin_map import ui, vocab
from origin_map.export import places_to_geojson_bytes, to_csv_bytes

s = ui.sidebar()
zh = s.lang == "zh"
st.title("Places" if not zh else "地点数据")
ds = ui.dataset()
placed = ui.places_with_distances(ds.token, ds.places, s.centre, s.radii_m)
shown = s.place_filter.apply(placed).drop(columns="geometry")
st.caption(f"{len(shown)} of {len(placed)} places pass the sidebar filters · data: "
           f"{ui.md_escape(ds.name)}")
st.dataframe(shown, hide_index=True, width="stretch", column_config={
    "distance_m": st.column_config.NumberColumn("distance_m", format="%.0f m"),
    "source": st.column_config.TextColumn("source", width="large")})
c1, c2 = st.columns(2)
c1.download_button("Download places CSV", to_csv_bytes(shown), "origin-map-places.csv",
                   "text/csv", key="om_dl_places_csv")
c2.download_button("Download places GeoJSON", places_to_geojson_bytes(shown),
                   "origin-map-places.geojson", "application/geo+json",
                   key="om_dl_places_geojson")

st.subheader("Use your own data" if not zh else "上传自己的数据")
st.markdown("CSV (UTF-8 or GBK), Excel .xlsx, GeoJSON or GeoPackage. Only coordinate columns are "
            "required (`lat`/`纬度`, `lon`/`lng`/`经度`). The upload replaces the data for this "
            "browser session only; a rejected file leaves the current data in place.")
with st.form("om_upload_form"):
    up = st.file_uploader("File", type=["csv", "txt", "tsv", "xlsx", "geojson", "json", "gpkg"],
                          key="om_upload")
    datum = st.selectbox("Datum of the coordinates", list(vocab.DATUMS), key="om_up_datum",
                         format_func=lambda d: vocab.DATUMS[d])
    unknown = st.radio("Unknown sector / kind values", ["error", "default"], horizontal=True,
                       key="om_up_unknown", format_func=lambda v: {
                           "error": "reject the row", "default": "set to 'unknown'/'other'"}[v])
    part = st.text_input("Excel sheet or GeoPackage layer (empty: the first)",
                         key="om_up_sheet", max_chars=100)
    partial = st.checkbox("Load the valid rows even if some rows are invalid", key="om_up_part")
    submitted = st.form_submit_button("Validate and load")
if submitted and up is not None:
    with st.status(f"Reading and validating {up.size / 1e6:,.1f} MB…") as status:
        result, accepted = ui.try_load_upload(up.getvalue(), up.name, centre=s.centre,
                                              datum=datum, unknown_values=unknown,
                                              keep_valid_rows=partial, part=part)
        status.update(label="Loaded" if accepted else "Not loaded",
                      state="complete" if accepted else "error")
    if result is not None:
        if accepted:
            st.success(ui.md_escape(result.summary()))
        else:
            st.error(f"{ui.md_escape(up.name)} was not loaded: {result.n_errors} problem(s). "
                     "The previous data stays active.")
        if len(result.problems):
            st.dataframe(result.problems, hide_index=True, width="stretch")
        if len(result.rejected):
            st.download_button("Download report of rows left out",
                               to_csv_bytes(result.rejected_report()), "rows-left-out.csv",
                               "text/csv", key="om_dl_rejected")
if ds.token != ui.SHIPPED and st.button("Back to the shipped data", key="om_reset"):
    ui.reset_dataset()
    st.rerun()
