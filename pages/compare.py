import streamlit as st

from origin_map import app
from origin_map.i18n import text

s = app.sidebar()
ds = app.dataset()
lang = s.lang
st.title(text("compare.title", lang))
st.markdown(text("compare.intro", lang))
picked = app.chosen_hubs(lang)
if picked.empty:
    st.info(text("compare.none", lang))
else:
    app.compare_section(s, ds, picked)
