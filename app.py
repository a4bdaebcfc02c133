"""Origin Map: the Streamlit entry point (page config and navigation).

Every page draws the shared sidebar, including the navigation links, with
``origin_map.ui.sidebar()``; the pages are listed once, in ``origin_map.ui.PAGES``.
"""

import streamlit as st

from origin_map import ui

st.set_page_config(page_title="Origin Map · AI原点社区", page_icon="🗺️", layout="wide")
st.navigation(
    [st.Page(script, title=title, icon=icon, default=(i == 0))
     for i, (script, title, icon) in enumerate(ui.PAGES)],
    position="hidden",
).run()
