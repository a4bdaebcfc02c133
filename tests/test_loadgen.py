"""The load generator and the proxy launcher: known answers, and one real run (no timing)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path += [str(ROOT / "benchmarks"), str(ROOT / "scripts")]  # after the real packages

import loadgen  # noqa: E402
import serve  # noqa: E402
from st_client import RunOutcome, Visitor, _Cache  # noqa: E402

from tests.conftest import run_async, served  # noqa: E402

TINY_APP = """\
import streamlit as st
r = st.number_input("Radius (m)", min_value=10.0, value=1000.0, key="om_radius")
st.write(f"radius {r:g} m")
"""


@pytest.mark.parametrize("url", ["http://127.0.0.1:8501/map", "http://localhost:8501/",
                                 "http://[::1]:8501/"])
def test_loopback_urls_are_accepted(url):
    loadgen.check_loopback(url)


@pytest.mark.parametrize("url", ["http://10.0.0.1:8501/", "http://192.0.2.7/map",
                                 "http://[2001:db8::1]:8501/"])
def test_other_hosts_are_refused_before_any_packet(url):
    with pytest.raises(loadgen.LoadTestError, match="not a loopback"):
        loadgen.check_loopback(url)


def test_run_load_refuses_too_many_sessions():
    with pytest.raises(loadgen.LoadTestError, match="sessions must be"):
        run_async(loadgen.run_load("http://127.0.0.1:9/", sessions=loadgen.MAX_SESSIONS + 1))


def test_next_value_cycles_and_never_repeats_the_current_value():
    values = (500.0, 1000.0, 2000.0)
    assert [loadgen.next_value(values, None, i) for i in range(4)] == [500, 1000, 2000, 500]
    assert loadgen.next_value(values, 1000.0, 1) == 2000.0  # 1000 is current: skipped
    with pytest.raises(loadgen.LoadTestError):
        loadgen.next_value((1000.0,), 1000.0, 0)


def test_growth_is_the_slope_after_the_first_wave():
    points = [(0, 100.0), (20, 150.0), (40, 160.0), (60, 170.0)]  # +0.5 MB/visitor after wave 1
    assert loadgen.growth_mb_per_session(points) == pytest.approx(0.5)


def test_summary_counts_failures_and_percentiles():
    res = loadgen.LoadResult("u", 2, 2, wall_s=2.0, cpu_s=1.0)
    res.first = [RunOutcome(1.0, 10, 1), RunOutcome(0.0, 0, 0, error="boom")]
    res.runs = [RunOutcome(t, 1000, 3) for t in (0.1, 0.2, 0.3)] + [
        RunOutcome(0.0, 0, 0, error="timeout")]
    s = res.summary()
    assert (s["ok"], s["failures"]) == (3, 2)
    assert s["p50_s"] == pytest.approx(0.2) and s["max_s"] == pytest.approx(0.3)
    assert s["throughput_per_s"] == pytest.approx(1.5)
    assert s["cpu_per_rerun_s"] == pytest.approx(1 / 3)


def test_message_cache_expires_like_the_browser():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg(hash="h1")
    msg.metadata.cacheable = True
    cache = _Cache(max_age=2)
    cache.add(msg)
    cache.use("h1")
    for _ in range(2):
        cache.finish_run()
    assert "h1" in cache.entries  # age 2: kept
    cache.finish_run()
    assert "h1" not in cache.entries  # age 3 > max_age: dropped
    with pytest.raises(RuntimeError, match="cached ForwardMsg miss"):
        cache.use("h1")


def test_haproxy_config_is_sticky_and_lists_every_worker():
    cfg = serve.haproxy_config([9001, 9002], port=8080)
    assert "bind 127.0.0.1:8080" in cfg
    assert f"cookie {serve.COOKIE} insert indirect nocache" in cfg
    assert "server w1 127.0.0.1:9001 check cookie w1" in cfg
    assert "server w2 127.0.0.1:9002 check cookie w2" in cfg
    assert "timeout tunnel" in cfg and "/_stcore/health" in cfg


@pytest.mark.skipif(not shutil.which("haproxy") and not Path(serve.HAPROXY).exists(),
                    reason="haproxy not installed (make proxy)")
def test_haproxy_accepts_the_generated_config(tmp_path):
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(serve.haproxy_config([9001, 9002, 9003], port=serve.free_port()))
    check = subprocess.run([serve.HAPROXY, "-c", "-f", str(cfg)], capture_output=True,
                           text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.fixture
def tiny_server(tmp_path):
    script = tmp_path / "tiny_app.py"
    script.write_text(TINY_APP)
    with served(script) as (base, pid):
        yield base + "/", pid


@pytest.mark.slow
def test_visitor_reruns_with_the_new_widget_value(tiny_server):
    url, _ = tiny_server

    async def visit():
        v = Visitor(url)
        first = await v.open(timeout_s=60)
        assert v.widget_id.endswith("-om_radius") and v.widget_value == 1000.0
        second = await v.rerun(250.0, timeout_s=60)
        await v.close()
        return v, first, second

    v, first, second = run_async(visit())
    assert not first.error and not second.error
    assert first.latency_s > 0 and second.latency_s > 0 and second.messages > 0
    assert v.widget_value == 250.0 and "_streamlit_xsrf" in v.cookies
    assert "radius 250 m" in v.markdown  # the server ran the script with the new value


@pytest.mark.slow
def test_run_load_one_session_two_reruns(tiny_server):
    url, pid = tiny_server
    res = run_async(loadgen.run_load(url, sessions=1, reruns=2, server_pids=[pid],
                                       time_limit_s=120))
    s = res.summary()
    assert (s["ok"], s["failures"]) == (2, 0), [r.error for r in res.first + res.runs]
    assert all(r.latency_s > 0 for r in res.runs)
    assert s["rss_mb"] > 10 and s["cpu_s"] >= 0
