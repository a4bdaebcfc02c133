"""The minimal page the load test compares Origin Map with: one number input, one small map.

A number input keyed ``om_radius`` (the key the load generator changes, as on Origin Map's
sidebar) and a folium map with one circle of that radius drawn through ``st_folium``. No
offline assets, no data: the floor a Streamlit + folium page costs per rerun.
"""

import folium
import streamlit as st
from streamlit_folium import st_folium

CENTRE = (39.992446, 116.327708)  # Dongsheng Building, WGS-84

st.set_page_config(page_title="Minimal page", layout="wide")
radius_m = st.number_input("Radius (m)", min_value=10.0, max_value=100_000.0, value=1000.0,
                           step=100.0, key="om_radius")
m = folium.Map(location=CENTRE, zoom_start=14)
folium.Circle(CENTRE, radius=radius_m, color="red", fill=False).add_to(m)
st_folium(m, height=480, use_container_width=True, key="om_map",
          returned_objects=["last_object_clicked"])
