"""Origin Map: the Streamlit entry point (page config and navigation).

Every page draws the shared sidebar with ``origin_map.ui.sidebar()``.
"""

import streamlit as st

st.set_page_config(page_title="Origin Map · AI原点社区", page_icon="🗺️", layout="wide")
st.navigation([
    st.Page("pages/overview.py", title="Overview · 概览", icon="🏠", default=True),
    st.Page("pages/map.py", title="Map · 地图", icon="🗺️"),
    st.Page("pages/density.py", title="Density · 密度", icon="📊"),
    st.Page("pages/data.py", title="Data · 数据", icon="📄"),
    st.Page("pages/about.py", title="About · 说明", icon="ℹ️"),
]).run()
