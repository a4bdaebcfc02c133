"""Basemaps take their tile data from xyzservices (issue 17 item 8); Gaode's is ours."""

from __future__ import annotations

import subprocess
import sys

import pytest
import xyzservices.providers as xyz

from origin_map.render import basemaps
from origin_map.render.basemaps import BASEMAPS, CARTO_KEY_ENV, Basemap, xyz_tiles
from origin_map.render.mapping import base_map


def test_osm_is_xyzservices_openstreetmap() -> None:
    osm = BASEMAPS["osm"]
    assert osm.url == xyz.OpenStreetMap.Mapnik.url
    assert osm.url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert osm.attribution == xyz.OpenStreetMap.Mapnik.html_attribution
    assert "openstreetmap.org/copyright" in osm.attribution
    assert osm.max_zoom == xyz.OpenStreetMap.Mapnik.max_zoom


def test_positron_is_xyzservices_carto() -> None:
    tiles = xyz_tiles("CartoDB.Positron")
    assert tiles.url == "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png"
    assert tiles.attribution == xyz.CartoDB.Positron.html_attribution
    assert (tiles.subdomains, tiles.max_zoom) == ("abcd", xyz.CartoDB.Positron.max_zoom)


def test_a_carto_key_goes_into_the_positron_url(monkeypatch) -> None:
    monkeypatch.setenv(CARTO_KEY_ENV, "K123")
    fresh = Basemap("positron", "CartoDB.Positron")
    assert fresh.url is not None and fresh.url.endswith("{r}.png?key=K123")
    monkeypatch.delenv(CARTO_KEY_ENV)
    assert "key=" not in str(Basemap("positron", "CartoDB.Positron").url)


def test_gaode_and_none_are_data() -> None:
    assert BASEMAPS["gaode"].gcj02 and "autonavi.com" in str(BASEMAPS["gaode"].url)
    assert BASEMAPS["gaode"].subdomains == "1234"
    assert BASEMAPS["none"].url is None and BASEMAPS["none"].attribution == ""
    assert not any(b.gcj02 for k, b in BASEMAPS.items() if k != "gaode")


@pytest.mark.parametrize("basemap", list(BASEMAPS))
def test_the_map_uses_the_tiles(basemap: str) -> None:
    html = base_map(basemap=basemap).get_root().render()
    base = BASEMAPS[basemap]
    if base.url:
        assert base.url.replace("&", "\\u0026") in html  # folium escapes & in its JSON
        assert html.count("L.tileLayer(") == 2  # the map's and the minimap's
        assert f'"maxNativeZoom": {base.max_zoom}' in html
    else:
        assert "L.tileLayer(" not in html


def test_reading_the_settings_does_not_import_xyzservices() -> None:
    code = "import sys, origin_map.settings; print('xyzservices' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"
    assert basemaps.GAODE.url.startswith("https://webrd0{s}")


def test_positron_is_offered_only_with_a_carto_key(monkeypatch) -> None:
    from origin_map.settings import SETTINGS, SettingValueError, from_query

    base = SETTINGS["base"]
    monkeypatch.delenv(CARTO_KEY_ENV, raising=False)
    assert basemaps.offered_basemaps() == ("osm", "gaode", "none") == base.allowed()
    assert base.default == "osm" and basemaps.missing_key("positron") == CARTO_KEY_ENV
    with pytest.raises(SettingValueError, match=CARTO_KEY_ENV) as err:
        base.parse("positron")
    assert CARTO_KEY_ENV in err.value.message("zh") and "底图" in err.value.message("zh")
    values, messages = from_query({"base": "positron"})  # a link from a server with a key
    assert "base" not in values and [m.setting for m in messages] == ["base"]
    with pytest.raises(SettingValueError, match="is not one of"):
        base.parse("stamen")  # an unknown basemap keeps its own message
    monkeypatch.setenv(CARTO_KEY_ENV, "   ")  # blank is no key
    assert "positron" not in basemaps.offered_basemaps()

    monkeypatch.setenv(CARTO_KEY_ENV, "K123")
    assert basemaps.offered_basemaps() == ("osm", "positron", "gaode", "none") == base.allowed()
    assert base.parse("positron") == "positron" and basemaps.missing_key("positron") is None
    assert from_query({"base": "positron"}) == ({"base": "positron"}, [])
