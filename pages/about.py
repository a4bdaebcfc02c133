import streamlit as st

from origin_map import ui, vocab

ui.sidebar()
st.title("About Origin Map")
st.markdown("""
**Method.** Every distance is a geodesic distance in metres on the WGS-84 ellipsoid from the
chosen centre (equal to the radius of an azimuthal-equidistant projection centred there). A place
belongs to the ring whose outer radius is the first one at or beyond its distance; counting uses
these distances, never buffered polygons. Ring areas are exact annulus areas, π(r₂² − r₁²).
The ring outlines on the map are polygons built in that local projection, for drawing only.

**Datums.** Coordinates are stored in WGS-84. Files declared GCJ-02 (AMap/Gaode, Tencent, WeChat)
or BD-09 (Baidu) are converted on loading (GCJ-02 is ~540 m off at Zhongguancun; BD-09 ~1.3 km).
On Gaode tiles, points and rings are shifted to GCJ-02 for display only.

**Data.** `geodata/places.csv`: every place has a source and a position quality
(surveyed / poi / estimated, with the method of every estimate). Historic tenants are kept for
the area's history and are not counted unless asked. The dataset is a sourced sample, not a
census: most of the 400+ resident firms have no public address. See `geodata/README.md`.

**Limitations.** University points are map POIs, not campus outlines; tenants of one building
share its point; the published community (~3 km², ≈104 ha key area) has no published polygon,
so the 1 km circle is a convention.

**Citing and exporting.** Density tables download as CSV (UTF-8 with BOM; formula-like text is
neutralised) and are byte-identical to `origin-map stats` with the same settings. Cite as
"Origin Map, curated places of the AI Origin Community (CC BY 4.0), positions © OpenStreetMap
contributors where surveyed".
""")
st.subheader("Sectors")
st.dataframe([{"id": s.id, "English": s.en, "中文": s.zh, "counts as AI": s.ai}
              for s in vocab.SECTORS], hide_index=True)
