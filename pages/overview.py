import math

import pandas as pd
import streamlit as st

from origin_map import ui, vocab
from origin_map.stats import headline

s = ui.sidebar()
ds = ui.dataset()
zh = s.lang == "zh"
st.title("AI原点社区 · AI Origin Community" if not zh else "AI原点社区")
st.markdown(
    "Haidian district calls the ~1 km circle around **Dongsheng Building** (东升大厦, now also "
    "原点大厦) at Wudaokou the *AI Origin Community*: universities, research institutes and "
    "hundreds of firms within walking distance, from AI chips and large models to applications, "
    "embodied AI and hardware (智东西, 2026; 北京日报)."
    if not zh else
    "海淀区将五道口东升大厦（原点大厦）周边约1公里范围称为“AI原点社区”：步行可达范围内汇聚30余所"
    "高校科研机构和400多家企业，产业链覆盖AI芯片、大模型、应用、具身智能和硬件（智东西，2026；北京日报）。"
)
h = headline(ds.places, s.centre, s.radius_m, place_filter=s.place_filter)
st.subheader(f"Within {h['radius_m']:,} m of {s.centre.name(s.lang)}" if not zh
             else f"{s.centre.name(s.lang)} {h['radius_m']:,} 米范围内")
c = st.columns(4)
c[0].metric("Places" if not zh else "地点", h["inside"])
c[1].metric("Universities & institutes" if not zh else "高校与科研机构", h["institutions"])
c[2].metric("Firms" if not zh else "企业", h["firms"])
share = h["ai_share_of_firms"]
c[3].metric("AI share of firms" if not zh else "AI企业占比",
            "–" if math.isnan(share) else f"{share:.0%}")
left, right = st.columns(2)
left.dataframe(pd.DataFrame({
    "sector": [vocab.sector_label(k, s.lang) for k in h["by_sector"]],
    "places": list(h["by_sector"].values())}), hide_index=True, width="stretch")
right.dataframe(pd.DataFrame({
    "kind": [vocab.kind_label(k, s.lang) for k in h["by_kind"]],
    "places": list(h["by_kind"].values())}), hide_index=True, width="stretch")

st.subheader("Published figures vs this dataset" if not zh else "官方数字与本数据集对比")
st.dataframe(pd.DataFrame([
    {"figure": "Universities & research institutions within 1 km", "published": "30+",
     "this dataset": str(h["institutions"])},
    {"figure": "Resident firms", "published": "400+ (439)", "this dataset": str(h["firms"])},
    {"figure": "AI share of firms", "published": "74% (325 of 439)",
     "this dataset": "–" if math.isnan(share) else f"{share:.0%}"},
]), hide_index=True, width="stretch")
coverage = h["firms"] / 400
st.info(
    f"The dataset holds only places with a nameable source and a stated position quality: "
    f"{h['firms']} current firms within {h['radius_m']:,} m, about {coverage:.0%} of the 400+ "
    "officially counted. Most firms have no public address; universities are represented by "
    "map points, which for Tsinghua lie ~1.3 km away although its campus edge is ~350 m away. "
    "Published figures: 智东西 (2026) via the seed article; 439/325 from the Beijing government "
    "portal (not verified first-hand)."
    if not zh else
    f"本数据集只收录有可引用来源并注明位置精度的地点：{h['radius_m']:,} 米内现有企业 "
    f"{h['firms']} 家，约为官方 400 多家的 {coverage:.0%}。"
    "多数企业没有公开地址；高校以地图点位表示。"
)
st.caption(f"Data: {ui.md_escape(ds.name)}. Filters from the sidebar apply; historic "
           f"tenants are {'included' if s.place_filter.include_historic else 'not counted'}.")
