import pandas as pd
import streamlit as st

from origin_map import app
from origin_map.i18n import text
from origin_map.places import vocab

s = app.sidebar()
lang = s.lang
st.title(text("about.title", lang))
st.markdown(text("about.body", lang))
st.subheader(text("about.sectors", lang))
app.table(pd.DataFrame({
    "sector": [x.id for x in vocab.SECTORS],
    "label": [vocab.sector_label(x.id, lang) for x in vocab.SECTORS],
    "colour": [app.colour_swatch(x.colour) for x in vocab.SECTORS],
    "counts_as_ai": [text("common.yes" if x.ai else "common.no", lang) for x in vocab.SECTORS],
}), lang, column_order=["label", "colour", "counts_as_ai", "sector"],  # the id last
    column_config={"colour": st.column_config.ImageColumn(text("column.colour", lang)),
                   "sector": st.column_config.TextColumn(text("column.id", lang))})
