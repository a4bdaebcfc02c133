"""One home for column names (issue 17, item 2): the reader, the geocoder and the Data page agree.

The two bugs that three lists of names caused: a file with ``lat_wgs84,lon_wgs84,address`` was
sent to geocoding instead of loading, and a geocoded file whose address column is ``办公地址``
loaded with an empty ``address``. Also: geocoded rows are validated in memory, an upload is read
once.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from origin_map.geocode import ADDRESS_ALIASES, geocode_table
from origin_map.io.export import to_csv_bytes
from origin_map.places.columns import (
    COLUMN_ALIASES,
    canonical_columns,
    column_for,
    coordinate_positions,
    recognised_columns,
)
from origin_map.places.datasets import read_places

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_a_file_with_lat_wgs84_lon_wgs84_and_address_has_coordinates() -> None:
    header = ["name", "lat_wgs84", "lon_wgs84", "address"]
    assert coordinate_positions(header) == [1, 2]
    places = read_places(b"name,lat_wgs84,lon_wgs84,address\na,39.99,116.33,x\n",
                         name="t.csv").places
    assert places[["lat", "lon", "address"]].values.tolist() == [[39.99, 116.33, "x"]]


@pytest.mark.parametrize("header,address", [
    (["企业名称", "办公地址"], "办公地址"),
    (["企业名称", "注册地址", "办公地址"], "办公地址"),  # office preferred, wherever it stands
    (["企业名称", "注册地址"], "注册地址"),
    (["Company Name", "Registered Address", "Office Address"], "Office Address"),
    (["name", "通信地址", "地址"], "通信地址"),  # the first of equal standing
    (["name", "city"], None),
])
def test_the_geocoder_takes_the_address_column_the_places_reader_takes(header, address) -> None:
    assert column_for(header, "address") == address
    frame = pd.DataFrame([["x"] * len(header)], columns=header)
    renamed, _ = canonical_columns(frame)
    if address is None:
        assert "address" not in renamed.columns
        return
    assert list(renamed.columns)[header.index(address)] == "address"
    assert geocode_table(frame).address_column == address
    assert set(ADDRESS_ALIASES) == set(COLUMN_ALIASES["address"])  # one list, not two


def test_a_geocoded_file_with_an_office_address_column_loads_with_address_filled() -> None:
    frame = pd.DataFrame({"企业名称": ["示例甲公司"],
                          "办公地址": ["北京市海淀区成府路28号优盛大厦"]})
    out = geocode_table(frame).frame
    assert out["geocode_level"].tolist() == ["building"]
    places = read_places(to_csv_bytes(out), name="geocoded.csv").places
    assert places["address"].tolist() == ["北京市海淀区成府路28号优盛大厦"]
    assert places["name_zh"].tolist() == ["示例甲公司"]


def test_recognised_columns_name_each_canonical_column_once() -> None:
    header = ["序号", "统一社会信用代码", "企业名称", "Established", "Status", "所属行业"]
    assert recognised_columns(header) == [("id", "统一社会信用代码"), ("name", "企业名称"),
                                          ("status", "Status"), ("since", "Established"),
                                          ("industry", "所属行业")]
    assert recognised_columns(["序号", "name"])[0] == ("id", "序号")  # a row number, if alone


# ---------------------------------------------------------------- the Data page
def _counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count every read of a file's bytes into a table (the app's and the library's)."""
    import origin_map.app.data
    import origin_map.places.datasets
    from origin_map.io.readers import read_raw

    calls: list[str] = []

    def counted(*args, **kwargs):
        calls.append(str(kwargs.get("name")))
        return read_raw(*args, **kwargs)

    monkeypatch.setattr(origin_map.app.data, "read_raw", counted)
    monkeypatch.setattr(origin_map.places.datasets, "read_raw", counted)
    return calls


def _data_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/data.py").run()
    return at


def test_lat_wgs84_upload_loads_as_places_not_geocoding_and_is_read_once(monkeypatch) -> None:
    calls = _counting_reads(monkeypatch)
    at = _data_page()
    data = "name,lat_wgs84,lon_wgs84,address\n示例甲,39.9927,116.3252,海淀 (home 1)\n".encode()
    at.file_uploader(key="om_upload").set_value(("wgs.csv", data, "text/csv"))
    at.run()
    assert not at.exception
    assert "Geocode addresses" not in [s.value for s in at.subheader]
    at.button(key="om_up_load").click().run()
    assert not at.exception
    assert "1 places loaded" in " ".join(s.value for s in at.success)
    assert at.session_state["om_dataset"].places["address"].tolist() == ["海淀 (home 1)"]
    assert calls.count("wgs.csv") == 1  # shown, then loaded: one read


def test_geocoded_rows_are_validated_in_memory_and_the_upload_read_once(monkeypatch) -> None:
    calls = _counting_reads(monkeypatch)
    at = _data_page()
    data = ("企业名称,办公地址\n示例甲公司,北京市海淀区成府路28号优盛大厦\n"
            "示例乙公司,北京市海淀区中关村东路8号 (home 2)\n").encode()
    at.file_uploader(key="om_upload").set_value(("office.csv", data, "text/csv"))
    at.run()
    assert "Geocode addresses" in [s.value for s in at.subheader]
    at.button(key="om_geo_run").click().run()
    at.button(key="om_geo_load").click().run()
    assert not at.exception, at.exception
    places = at.session_state["om_dataset"].places
    assert places["address"].tolist()[0] == "北京市海淀区成府路28号优盛大厦"
    assert calls.count("office.csv") == 1
    assert not [c for c in calls if "geocoded" in c]  # no CSV written and read back
