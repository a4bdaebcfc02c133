import streamlit as st

from origin_map import app
from origin_map.i18n import text
from origin_map.io.export import places_to_geojson_bytes, to_csv_bytes
from origin_map.places import vocab

s = app.sidebar()
lang = s.lang
st.title(text("data.title", lang))

st.subheader(text("data.upload_title", lang))
st.markdown(text("data.upload_help", lang))
TYPES = ["csv", "txt", "tsv", "xlsx", "geojson", "json", "gpkg"]
st.file_uploader(text("data.file", lang), key="om_upload", on_change=app.keep_pending_upload,
                 type=TYPES)
app.uploader_texts(lang, TYPES)
app.paste_names(lang)
pending = app.pending_upload()
app.show_recognised(lang)
firms = st.checkbox(text("firmlist.rows_are_firms", lang), key="om_up_firms",
                    help=text("firmlist.rows_are_help", lang))
if app.needs_geocoding(lang) or (pending is None and app.review_in_progress()):
    app.geocode_section(s.centre, lang, rows_are=firms)
else:
    datum = st.selectbox(text("data.datum", lang), list(vocab.DATUMS), key="om_up_datum",
                         format_func=lambda d: vocab.datum_label(d, lang))
    unknown = st.radio(text("data.unknown", lang), ["error", "default"], horizontal=True,
                       key="om_up_unknown",
                       format_func=lambda v: text(f"data.unknown_{v}", lang))
    part = st.text_input(text("data.part", lang), key="om_up_sheet", max_chars=100)
    partial = st.checkbox(text("data.partial", lang), key="om_up_part")
    if app.pending_to_load() is not None:
        st.warning(text("data.pending", lang, name=app.md_escape(pending[0])))
    c1, c2 = st.columns(2)
    c1.button(text("data.load", lang), key="om_up_load", disabled=pending is None,
              type="primary", on_click=app.load_pending_upload, kwargs={
                  "centre": s.centre, "datum": datum, "unknown_values": unknown,
                  "keep_valid_rows": partial, "part": part, "saver": app.save_upload,
                  "rows_are": firms})
    c2.button(text("data.drop", lang), key="om_up_drop", disabled=pending is None,
              on_click=app.drop_pending_upload)
    result = app.show_upload_result(lang)
    if result is not None and len(result.rejected):
        st.download_button(text("data.rejected_download", lang),
                           to_csv_bytes(result.rejected_report()), "rows-left-out.csv",
                           "text/csv", key="om_dl_rejected")

app.merge_section(lang)
app.boundary_upload(s)

ds = app.dataset()
if not ds.shipped:
    st.button(text("data.reset", lang), key="om_reset", on_click=app.reset_dataset)
app.dataset_section(lang)
st.subheader(text("data.places_title", lang))
shown = app.filtered_places(ds.token, ds.places, s.centre, s.rings, s.place_filter)
shown = shown.drop(columns="geometry")
st.caption(text("data.caption", lang, shown=len(shown), total=len(ds.places),
                name=app.md_escape(app.dataset_label(ds, lang))))
if shown.empty:
    app.empty_selection(lang, s)
first = (f"name_{lang}", "sector", "kind", "distance_m")  # in view on a phone: what, how far
app.table(shown, lang, column_order=app.reader_order(shown, first), column_config={
    "distance_m": st.column_config.NumberColumn(text("column.distance_m", lang),
                                                format="%.0f m"),
    "source": st.column_config.TextColumn(text("column.source", lang), width="large"),
    first[0]: st.column_config.TextColumn(text(f"column.{first[0]}", lang), width="medium",
                                          pinned=True)})  # kept in view when swiped sideways
d1, d2 = st.columns(2)
d1.download_button(text("data.download_csv", lang), to_csv_bytes(shown),
                   "origin-map-places.csv", "text/csv", key="om_dl_places_csv")
d2.download_button(text("data.download_geojson", lang), places_to_geojson_bytes(shown),
                   "origin-map-places.geojson", "application/geo+json",
                   key="om_dl_places_geojson")
