import pandas as pd
import streamlit as st

from origin_map import ui, vocab
from origin_map.i18n import text
from origin_map.stats import unknown_years

s = ui.sidebar()
ds = ui.dataset()
lang = s.lang
st.title(text("overview.title", lang))
st.markdown(text("overview.intro", lang))
h = ui.cached_headline(ds.token, ds.places, s.centre, s.radius_m, s.place_filter, s.by_outline)
other = ui.cached_headline(ds.token, ds.places, s.centre, s.radius_m, s.place_filter,
                           not s.by_outline)
year = s.place_filter.year
figures = [(text("overview.within" if year is None else "ui16.within_year", lang,
                 radius=f"{h['radius_m']:,}", centre=s.centre.name(lang), year=year), h)]
if s.area is not None:
    figures.insert(0, (text("overview.inside_area", lang, name=s.area.name,
                            km2=f"{s.area.area_km2:,.3f}"),
                       ui.cached_area_headline(ds.token, ds.places, s.value("area"), s.area,
                                               s.place_filter, s.by_outline)))
for column, (title, f) in zip(st.columns(len(figures)), figures, strict=True):
    with column:
        st.subheader(title)
        if f["inside"] == 0:
            ui.empty_selection(lang, s, in_area=f is not h)
        cols = st.columns(4 if len(figures) == 1 else 2)
        share = f["ai_share_of_firms"]
        cols[0].metric(text("overview.places", lang), f["inside"])
        cols[1 % len(cols)].metric(text("overview.institutions", lang), f["institutions"])
        cols[2 % len(cols)].metric(text("overview.firms", lang), f["firms"])
        cols[3 % len(cols)].metric(text("overview.ai_share", lang),
                                   "–" if share != share else f"{share:.0%}")
if year is not None:
    st.info(text("ui16.year_context", lang, year=year, unknown=unknown_years(ds.places)))
by_point, by_outline = (other, h) if s.by_outline else (h, other)
st.caption(text("overview.outline_note", lang, point=by_point["institutions"],
                outline=by_outline["institutions"], radius=f"{h['radius_m']:,}"))
f = figures[0][1]
left, right = st.columns(2)
with left:
    ui.table(pd.DataFrame({"sector": [vocab.sector_label(k, lang) for k in f["by_sector"]],
                           "places": list(f["by_sector"].values())}), lang)
with right:
    ui.table(pd.DataFrame({"kind": [vocab.kind_label(k, lang) for k in f["by_kind"]],
                           "places": list(f["by_kind"].values())}), lang)

ui.history_section(s, ds)

table = ui.cached_coverage(ds.token, ds.places, s.centre.id, s.place_filter, lang)
if table is not None and year is not None:  # published figures are today's, not that year's
    st.subheader(text("overview.published_title", lang))
    st.info(text("ui16.year_no_published", lang, year=year))
elif table is not None:
    st.subheader(text("overview.published_title", lang))
    note = table.attrs["note"]
    table = table[["figure", "coverage", "dataset", "published", "source"]]  # key columns first
    ui.table(table, lang, column_config={"coverage": st.column_config.ProgressColumn(
        text("column.coverage", lang), format="percent", min_value=0.0, max_value=1.0)})
    end = "。" if lang == "zh" else ". "  # the note is a clause; the explanation a sentence
    st.info(f"{note.rstrip('.。 ')}{end}{text('overview.coverage_note', lang)}")
ui.report_buttons(s, ds)
st.caption(text("overview.data_caption", lang, name=ui.md_escape(ui.dataset_label(ds, lang))))
