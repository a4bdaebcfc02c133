"""The server processes start with glibc's arenas bounded (docs/load.md, the heavy soak pass)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pytest

from origin_map.cli._app import _store_env
from origin_map.cli._supervise import server_env

ROOT = Path(__file__).resolve().parents[1]
sys.path += [str(ROOT / "scripts")]
import serve  # noqa: E402


def test_server_env_adds_the_arena_bound_and_keeps_an_operators_value() -> None:
    assert server_env({"PATH": "/bin"}) == {"PATH": "/bin", "MALLOC_ARENA_MAX": "2"}
    assert server_env({"MALLOC_ARENA_MAX": "8"})["MALLOC_ARENA_MAX"] == "8"


def test_origin_map_app_starts_streamlit_with_the_bound(monkeypatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    env = _store_env(argparse.Namespace(store=None, data_dir="/tmp/x", keep_days=None))["env"]
    assert env["MALLOC_ARENA_MAX"] == "2"
    assert env["ORIGIN_MAP_DATA_DIR"] == "/tmp/x"
    assert env["PATH"] == os.environ["PATH"]  # the rest of the environment is passed on
    plain = _store_env(argparse.Namespace(store=None, data_dir=None, keep_days=None))["env"]
    assert plain["MALLOC_ARENA_MAX"] == "2"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_serve_worker_runs_with_the_bound(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    script = tmp_path / "page.py"
    script.write_text("import streamlit as st\nst.write('ok')\n")
    proc = serve.start_streamlit(script, serve.free_port())
    try:
        environ = Path(f"/proc/{proc.pid}/environ")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and b"MALLOC_ARENA_MAX" not in environ.read_bytes():
            time.sleep(0.05)  # the fork has not exec'd yet
        assert b"MALLOC_ARENA_MAX=2\0" in environ.read_bytes()
    finally:
        serve.stop(proc)
