import numpy as np
import prcoords
import pytest
from pyproj import Geod

from origin_map.errors import SettingsError
from origin_map.geo import datums

GEOD = Geod(ellps="WGS84")
RNG = np.random.default_rng(42)
# Points across China (Beijing, Shanghai, Shenzhen, Urumqi, Harbin...) plus random ones.
LAT = np.concatenate([[39.992446, 31.2304, 22.5431, 43.8256, 45.8038], RNG.uniform(18, 53, 200)])
LON = np.concatenate([[116.327708, 121.4737, 114.0579, 87.6168, 126.5350],
                      RNG.uniform(75, 134, 200)])


def metres(lat1, lon1, lat2, lon2):
    _, _, d = GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(d)


def test_wgs_to_gcj_matches_prcoords():
    glat, glon = datums.wgs84_to_gcj02(LAT, LON)
    ref = np.array([prcoords.wgs_gcj((a, b)) for a, b in zip(LAT, LON, strict=True)])
    assert metres(glat, glon, ref[:, 0], ref[:, 1]).max() < 0.01


def test_gcj_to_wgs_matches_prcoords_precise_inverse():
    glat, glon = datums.wgs84_to_gcj02(LAT, LON)
    wlat, wlon = datums.gcj02_to_wgs84(glat, glon)
    ref = np.array([prcoords.gcj_wgs_bored((a, b)) for a, b in zip(glat, glon, strict=True)])
    assert metres(wlat, wlon, ref[:, 0], ref[:, 1]).max() < 0.5
    assert metres(wlat, wlon, LAT, LON).max() < 0.01  # round trip


def test_bd09_both_ways_match_prcoords():
    blat, blon = datums.wgs84_to_bd09(LAT, LON)
    ref = np.array([prcoords.wgs_bd((a, b)) for a, b in zip(LAT, LON, strict=True)])
    assert metres(blat, blon, ref[:, 0], ref[:, 1]).max() < 0.5
    wlat, wlon = datums.bd09_to_wgs84(blat, blon)
    ref = np.array([prcoords.bd_wgs_bored((a, b)) for a, b in zip(blat, blon, strict=True)])
    assert metres(wlat, wlon, ref[:, 0], ref[:, 1]).max() < 0.5
    assert metres(wlat, wlon, LAT, LON).max() < 0.01


def test_offset_at_zhongguancun_is_about_540_m_and_baidu_more():
    lat, lon = 39.992446, 116.327708
    g = datums.wgs84_to_gcj02(lat, lon)
    b = datums.wgs84_to_bd09(lat, lon)
    assert 450 < metres(lat, lon, *g) < 650
    assert 1000 < metres(lat, lon, *b) < 1500


def test_known_reference_point_tuspark_bd09():
    # places-research.csv: BD-09 39.999721,116.337979 -> WGS-84 39.99272,116.325214
    lat, lon = datums.convert(39.999721, 116.337979, src="bd09")
    assert metres(lat, lon, 39.99272, 116.325214) < 1.0


def test_outside_china_is_unchanged_and_nan_passes_through():
    lat, lon = datums.wgs84_to_gcj02([51.5, np.nan], [-0.12, 116.3])
    assert lat[0] == 51.5 and lon[0] == -0.12
    assert np.isnan(lat[1])
    wlat, _ = datums.gcj02_to_wgs84([np.nan, 39.99], [np.nan, 116.33])
    assert np.isnan(wlat[0]) and np.isfinite(wlat[1])


@pytest.mark.parametrize("alias,expected", [("WGS-84", "wgs84"), ("AMap", "gcj02"),
                                            ("baidu", "bd09"), ("GCJ02", "gcj02")])
def test_datum_aliases(alias, expected):
    assert datums.normalise_datum(alias) == expected


def test_unknown_datum_message_names_choices():
    with pytest.raises(SettingsError, match=r"wgs84.*gcj02.*bd09"):
        datums.normalise_datum("utm")


def test_one_datum_list_vocab_datums():
    from origin_map.cli import build_parser
    from origin_map.places import vocab

    assert {datums.normalise_datum(d) for d in vocab.DATUMS} == set(vocab.DATUMS)
    assert set(datums._ALIASES.values()) == set(vocab.DATUMS)
    pairs = {(a, b) for a in vocab.DATUMS for b in vocab.DATUMS if a != b}
    assert set(datums._CONVERTERS) == pairs
    assert not hasattr(datums, "DATUM_NAMES")
    stats = build_parser()._subparsers._group_actions[0].choices["stats"]
    datum = next(a for a in stats._actions if a.dest == "datum")
    assert tuple(datum.choices) == vocab.DATUMS
