import pandas as pd
import streamlit as st

from origin_map import app
from origin_map.i18n import text
from origin_map.measure.coverage import coverage_sentence
from origin_map.measure.freshness import freshness_line
from origin_map.places import vocab
from origin_map.places.sector_rules import rule_counts

s = app.sidebar()
ds = app.dataset()
lang = s.lang
st.title(text("overview.title", lang))
st.markdown(text("overview.intro", lang))
h = app.cached_headline(ds.token, ds.places, s.centre, s.radius_m, s.place_filter, s.by_outline)
other = app.cached_headline(ds.token, ds.places, s.centre, s.radius_m, s.place_filter,
                           not s.by_outline)
year = s.place_filter.year
figures = [(text("overview.within" if year is None else "ui16.within_year", lang,
                 radius=f"{h['radius_m']:,}", centre=s.centre.name(lang), year=year), h)]
if s.area is not None:
    figures.insert(0, (text("overview.inside_area", lang, name=s.area.name,
                            km2=f"{s.area.area_km2:,.3f}"),
                       app.cached_area_headline(ds.token, ds.places, s.value("area"), s.area,
                                               s.place_filter, s.by_outline)))
walk = app.cached_walk(ds.token, ds.places, s.centre, s.place_filter) if s.area is None else None
if walk is not None:
    figures.append((text("walk.within" if year is None else "look16.walk_within_year", lang,
                         minutes=app.OVERVIEW_MINUTES, year=year),
                    app.walk_headline(walk, ds.places, s)))
area_f = figures[0][1] if s.area is not None else None  # the area's figures come first
for column, (title, f) in zip(st.columns(len(figures)), figures, strict=True):
    with column:
        st.subheader(title)
        if f["inside"] == 0:
            app.empty_selection(lang, s, in_area=f is area_f)
        cols = st.columns(4 if len(figures) == 1 else 2)
        share = f["ai_share_of_firms"]
        cols[0].metric(text("overview.places", lang), f["inside"])
        cols[1 % len(cols)].metric(text("overview.institutions", lang), f["institutions"])
        cols[2 % len(cols)].metric(text("overview.firms", lang), f["firms"])
        cols[3 % len(cols)].metric(text("overview.ai_share", lang),
                                   "–" if share != share else f"{share:.0%}")
if walk is not None:
    st.caption(app.coverage_caption(walk, ds.places, s))
by_rule = int(rule_counts(ds.places).sum())
if by_rule:  # sectors guessed from names and scopes, not given by the data: say so by the share
    st.warning(text("sector_rules.caveat", lang, n=by_rule, total=len(ds.places)))
if year is not None:
    st.info(app.year_context(s, ds))  # the places left out inside the figures' scope
by_point, by_outline = (other, h) if s.by_outline else (h, other)
st.caption(text("overview.outline_note", lang, point=by_point["institutions"],
                outline=by_outline["institutions"], radius=f"{h['radius_m']:,}"))
f = figures[0][1]
left, right = st.columns(2)
with left:
    app.table(pd.DataFrame({"sector": [vocab.sector_label(k, lang) for k in f["by_sector"]],
                           "places": list(f["by_sector"].values())}), lang)
with right:
    app.table(pd.DataFrame({"kind": [vocab.kind_label(k, lang) for k in f["by_kind"]],
                           "places": list(f["by_kind"].values())}), lang)

app.history_section(s, ds)

table = app.cached_coverage(ds.token, ds.places, s.centre.id, s.place_filter, lang)
if table is not None and year is not None:  # published figures are today's, not that year's
    st.subheader(text("overview.published_title", lang))
    st.info(text("ui16.year_no_published", lang, year=year))
elif table is not None:
    st.subheader(text("overview.published_title", lang))
    note, fresh = table.attrs["note"], table.attrs.get("freshness")
    table = table[["coverage", "figure", "dataset", "published", "source"]].copy()  # key first
    table.attrs.clear()  # the note and the freshness are shown beside it, not sent with it
    app.table(table, lang, column_config={"coverage": st.column_config.ProgressColumn(
        text("column.coverage", lang), format="percent", min_value=0.0, max_value=1.0)})
    st.info(coverage_sentence(note, lang))  # a clause on Compare; here it starts the box
    if fresh is not None:  # how old the sources that say a firm is here are
        st.caption(freshness_line(fresh, lang))
app.report_buttons(s, ds)
st.caption(text("overview.data_caption", lang, name=app.md_escape(app.dataset_label(ds, lang))))
