import streamlit as st

from origin_map import ui
from origin_map.i18n import text

s = ui.sidebar()
ds = ui.dataset()
lang = s.lang
st.title(text("compare.title", lang))
st.markdown(text("compare.intro", lang))
picked = ui.chosen_hubs(lang)
if picked.empty:
    st.info(text("compare.none", lang))
else:
    ui.compare_section(s, ds, picked)
