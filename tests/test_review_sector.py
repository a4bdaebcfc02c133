"""A sector changed in the geocoding review is saved as a decision and comes back on reopening
(SQLite store; AppTest)."""

from __future__ import annotations

import pyarrow as pa

from origin_map.store.datasets import open_store
from tests.test_pages import app
from tests.test_pages_store import (
    geocoded_review,
    store_dir,  # noqa: F401 (each test's own store)
)


def shown_review(at) -> object:
    editor = (at.get("arrow_data_editor") or at.get("data_editor"))[0]
    return pa.ipc.open_stream(editor.proto.arrow_data.data).read_all().to_pandas()


def test_a_changed_sector_is_saved_and_survives_reopening(monkeypatch, store_dir):  # noqa: F811
    at, edits = geocoded_review(monkeypatch)  # edits: the reviewer's choice in the sector column
    review_id = at.query_params["review"]
    assert shown_review(at)["sector"].tolist()[0] == "大模型"  # as the file gives it
    edits[(0, "sector")] = "chips"
    at.run()
    at.run()  # a second run saves nothing new: the change is saved once
    assert not at.exception
    store = open_store(None, data_dir=store_dir)
    log = store.open(review_id).decisions
    assert log[["row", "action", "sector"]].values.tolist() == [[0, "sector", "chips"]]
    edits.clear()  # a refresh: a new session with the link only
    again = app(dict(at.query_params))
    again.switch_page("pages/data.py").run()
    assert not again.exception
    assert shown_review(again)["sector"].tolist()[0] == "chips"
    again.button(key="om_geo_load").click().run()
    loaded = store.open(again.query_params["data"]).places(geometry=False)
    assert loaded["sector"].tolist() == ["chips"]
