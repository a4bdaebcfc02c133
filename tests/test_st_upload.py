"""The simulated browser's uploads (``benchmarks/st_client.py``) against real servers (issue 20).

The soak's heavy pass uploads a places file per visitor through Streamlit's upload protocol
(file URLs on the websocket, a multipart ``PUT``, the uploader's state in a rerun). These tests
check that protocol on a real server: a tiny page that prints what its uploader holds (upload,
then the uploader's "x"), and Origin Map's Data page loading a generated places file of a
known size, then the Overview of the same session showing it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path += [str(ROOT / "benchmarks")]  # after the real packages

from st_client import ProtocolError, Visitor  # noqa: E402

from tests.conftest import run_async, served  # noqa: E402

TINY_APP = """
import streamlit as st
up = st.file_uploader("File", key="om_file")
st.markdown(f"held: {up.name} {len(up.getvalue())} bytes" if up is not None else "held: none")
"""


def places_csv(n: int, seed: int) -> bytes:
    """Return ``n`` SYNTHETIC places (no real firm) within ~1 km of Wudaokou, as CSV."""
    rng = np.random.default_rng(seed)
    lat = 39.9925 + rng.uniform(-0.009, 0.009, n)
    lon = 116.3380 + rng.uniform(-0.011, 0.011, n)
    rows = [f"t{seed}-{i},SYNTHETIC place {i},chips,firm,{a:.6f},{o:.6f}"
            for i, (a, o) in enumerate(zip(lat, lon, strict=True))]
    return ("id,name,sector,kind,lat,lon\n" + "\n".join(rows) + "\n").encode()


@pytest.fixture
def tiny_server(tmp_path):
    script = tmp_path / "tiny_upload.py"
    script.write_text(TINY_APP)
    with served(script) as (base, _):
        yield base + "/"


@pytest.fixture
def origin_map(tmp_path):
    with served(ROOT / "app.py", {"ORIGIN_MAP_DATA_DIR": str(tmp_path / "store")}) as (base, _):
        yield base


@pytest.mark.slow
def test_upload_then_remove_on_a_tiny_page(tiny_server):
    data = b"x" * 1234

    async def visit():
        v = Visitor(tiny_server)
        await v.open(timeout_s=60)
        before = list(v.markdown)
        up = await v.upload("om_file", "a.bin", data, "application/octet-stream")
        held = list(v.markdown)
        gone = await v.remove_upload("om_file")
        after = list(v.markdown)
        await v.close()
        return v, before, up, held, gone, after

    v, before, up, held, gone, after = run_async(visit())
    assert v.session_id and not up.error and not gone.error
    assert before == ["held: none"]
    assert held == ["held: a.bin 1234 bytes"]  # the server read the PUT's bytes
    assert after == ["held: none"] and "om_file" not in v.uploads


@pytest.mark.slow
def test_an_unknown_uploader_key_is_refused(tiny_server):
    async def visit():
        v = Visitor(tiny_server)
        await v.open(timeout_s=60)
        try:
            with pytest.raises(ProtocolError, match="om_nope"):
                await v.upload("om_nope", "a.csv", b"a\n")
        finally:
            await v.close()

    run_async(visit())


@pytest.mark.slow
def test_a_places_file_loads_on_the_data_page_and_shows_on_the_overview(origin_map):
    async def visit():
        v = Visitor(origin_map + "/data")
        await v.open(timeout_s=120)
        picked = await v.upload("om_upload", "soak-places.csv", places_csv(37, 5))
        pending = list(v.alerts)
        loaded = await v.click("om_up_load")
        done = list(v.alerts)
        query = v.query_string
        shown = await v.goto("overview", query)
        await v.close()
        return picked, pending, loaded, done, query, shown, v.markdown

    picked, pending, loaded, done, query, shown, markdown = run_async(visit())
    assert not (picked.error or loaded.error or shown.error)
    assert any("is picked but not loaded yet" in a for a in pending)
    assert any("37 places loaded, 0 rows left out" in a for a in done), done
    assert "data=" in query  # saved in the store, carried by the link
    assert "Data\\: soak\\-places\\.csv · 37 places" in markdown, markdown[:5]  # escaped
