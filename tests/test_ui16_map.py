"""Issue 16, item 9 (rendered map HTML): the legend's size and folding, the H3 key, clusters."""

from __future__ import annotations

from origin_map.measure.stats import h3_table
from origin_map.render.mapping import build_map
from tests.conftest import DONGSHENG


def render(places, **kw) -> str:
    return build_map(places, DONGSHENG, (500, 1000), **kw).get_root().render()


def test_legend_is_small_folds_below_1000_px_and_fades_under_a_tooltip(known_places):
    html = render(known_places)
    assert "size.y * 0.38" in html and "maxWidth = '210px'" in html
    assert "wide < 1000" in html and "window.top.innerWidth" in html
    assert "map.on('tooltipopen', fade)" in html


def test_h3_key_is_one_strip_not_a_list(known_places):
    html = render(known_places, h3_cells=h3_table(known_places, DONGSHENG, resolution=9))
    assert html.count("om-h3-key") == 1
    assert "width:14px;height:10px" not in html  # no 8-row list cut by the box


def test_cluster_bubbles_are_opaque_so_a_heatmap_does_not_tint_them(known_places):
    html = render(known_places, heatmap=True)
    assert "background:#3a3a3a" in html and "rgba(45,45,45" not in html


def test_scale_bar_sits_above_the_attribution_on_narrow_maps(known_places):
    html = render(known_places)
    assert ".leaflet-bottom.leaflet-left { z-index: 1001; }" in html
