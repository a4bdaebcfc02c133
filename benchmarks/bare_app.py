"""The bare page the first-visit benchmark compares the Map page with: a sidebar and a line of text.

Served with the same settings as Origin Map (``benchmarks/first_visit.py`` runs it from the
repository's root, so ``.streamlit/config.toml`` applies, with the flags ``origin-map app`` uses).
"""

import streamlit as st

st.set_page_config(page_title="Bare page", layout="wide")
st.sidebar.write("A sidebar.")
st.write("A bare Streamlit page: a sidebar and a line of text.")
