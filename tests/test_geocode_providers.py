"""Online geocoders against a local HTTP server (127.0.0.1) answering in each documented format.

No test touches the internet: every provider is pointed at the server with ``url=``.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from origin_map.cli import main
from origin_map.errors import SettingsError
from origin_map.geo.datums import wgs84_to_bd09, wgs84_to_gcj02
from origin_map.geo.geometry import Centre
from origin_map.geocode import geocode_table
from origin_map.geocode.gazetteer import distance_m
from origin_map.geocode.providers import (
    AMapProvider,
    ProviderError,
    ProviderRefused,
    RateLimiter,
    TencentProvider,
    make_provider,
)

DONGSHENG = Centre("dongsheng-building", "东升大厦", "Dongsheng Building", 39.992446, 116.327708)


KEY = "SECRET-KEY-123"
WGS = (DONGSHENG.lat, DONGSHENG.lon)
GCJ = tuple(float(v[0]) for v in wgs84_to_gcj02([WGS[0]], [WGS[1]]))
BD = tuple(float(v[0]) for v in wgs84_to_bd09([WGS[0]], [WGS[1]]))


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        srv = self.server
        srv.requests.append((self.path, dict(self.headers)))  # type: ignore[attr-defined]
        status, body, delay = srv.script.pop(0) if srv.script else srv.default  # type: ignore
        time.sleep(delay)
        data = body.encode("utf-8") if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.requests, srv.script, srv.default = [], [], (200, {}, 0.0)  # type: ignore[attr-defined]
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}"  # type: ignore[attr-defined]
    yield srv
    srv.shutdown()
    srv.server_close()


def _fast(cls, server, **kw):
    kw.setdefault("key", KEY if cls.env_key else None)
    return cls(url=server.url, min_interval_s=0, backoff_s=0.01, timeout_s=2, **kw)


def _amap(loc, level="兴趣点"):
    return {"status": "1", "info": "OK", "infocode": "10000", "count": "1", "geocodes": [
        {"formatted_address": "北京市海淀区中关村东路8号", "location": f"{loc[1]},{loc[0]}",
         "level": level}]}


def _tencent(loc, level=11, status=0):
    return {"status": status, "message": "query ok", "result": {
        "title": "东升大厦", "location": {"lat": loc[0], "lng": loc[1]},
        "address_components": {"province": "北京市", "city": "北京市", "district": "海淀区",
                               "street": "中关村东路", "street_number": "8号"},
        "similarity": 0.8, "deviation": 1000, "reliability": 7, "level": level}}


def _query(server, i=0):
    return parse_qs(urlsplit(server.requests[i][0]).query)


# ---------------------------------------------------------------- AMap
def test_amap_result_is_converted_from_gcj02(server) -> None:
    server.script = [(200, _amap(GCJ), 0)]
    m = _fast(AMapProvider, server).lookup("北京市海淀区中关村东路8号")
    assert m.level == "building" and distance_m((m.lat, m.lon), WGS) < 0.5
    assert _query(server)["key"] == [KEY]
    assert _query(server)["address"] == ["北京市海淀区中关村东路8号"]
    assert urlsplit(server.requests[0][0]).path == "/v3/geocode/geo"


@pytest.mark.parametrize(("level", "expected"), [
    ("门牌号", "street_number"), ("道路", "road"), ("区县", "district"), ("市", "none")])
def test_amap_levels(server, level: str, expected: str) -> None:
    server.script = [(200, _amap(GCJ, level), 0)]
    assert _fast(AMapProvider, server).lookup("x").level == expected


def test_amap_empty_and_errors(server) -> None:
    p = _fast(AMapProvider, server)
    server.script = [(200, {"status": "1", "info": "OK", "infocode": "10000", "count": "0",
                            "geocodes": []}, 0)]
    assert p.lookup("nowhere").reason_text() == "AMap found nothing."
    server.script = [(200, {"status": "0", "info": "INVALID_USER_KEY", "infocode": "10001"}, 0)]
    with pytest.raises(ProviderRefused) as err:
        p.lookup("x")
    assert "10001" in str(err.value) and KEY not in str(err.value)
    server.script = [(200, {"status": "0", "info": "ACCESS_TOO_FREQUENT", "infocode": "10004"},
                      0), (200, _amap(GCJ), 0)]
    assert p.lookup("x").level == "building"  # retried after backoff
    server.script = [(200, "{not json", 0)]
    n = len(server.requests)
    with pytest.raises(ProviderError, match="not valid JSON"):
        p.lookup("x")
    assert len(server.requests) == n + 1  # a malformed answer is not retried


def test_http_429_and_5xx_are_retried_then_given_up(server) -> None:
    p = _fast(AMapProvider, server, max_retries=2)
    server.script = [(429, "{}", 0), (503, "{}", 0), (200, _amap(GCJ), 0)]
    assert p.lookup("x").level == "building" and p.requests == 3
    server.script = [(500, "{}", 0)] * 3
    with pytest.raises(ProviderError, match="HTTP 500"):
        p.lookup("x")
    assert p.requests == 6


def test_timeout(server) -> None:
    p = AMapProvider(key=KEY, url=server.url, timeout_s=0.2, max_retries=0, min_interval_s=0)
    server.script = [(200, _amap(GCJ), 1.0)]
    with pytest.raises(ProviderError, match=r"no answer within 0\.2 s"):
        p.lookup("x")


# ---------------------------------------------------------------- Tencent
def test_tencent(server) -> None:
    p = _fast(TencentProvider, server)
    server.script = [(200, _tencent(GCJ), 0)]
    m = p.lookup("北京市海淀区中关村东路8号")
    assert (m.level, m.score) == ("building", 0.7) and distance_m((m.lat, m.lon), WGS) < 0.5
    assert urlsplit(server.requests[0][0]).path == "/ws/geocoder/v1/"
    server.script = [(200, {"status": 347, "message": "查询无结果"}, 0)]
    assert p.lookup("x").level == "none"
    server.script = [(200, {"status": 120, "message": "此key每秒请求量已达到上限"}, 0),
                     (200, _tencent(GCJ, level=9), 0)]
    assert p.lookup("x").level == "street_number"
    server.script = [(200, {"status": 311, "message": "key格式错误"}, 0)]
    with pytest.raises(ProviderRefused) as err:
        p.lookup("x")
    assert "311" in str(err.value)


# ---------------------------------------------------------------- geopy: Baidu, Nominatim
def test_baidu_result_is_converted_from_bd09(server, caplog) -> None:
    caplog.set_level("DEBUG", logger="geopy")
    p = _fast(make_provider("baidu", key=KEY).__class__, server)
    server.script = [(200, {"status": 0, "result": {"location": {"lng": BD[1], "lat": BD[0]},
                                                    "precise": 1, "confidence": 80,
                                                    "comprehension": 100, "level": "商务大厦"}},
                      0)]
    m = p.lookup("东升大厦")
    assert (m.level, m.score) == ("building", 0.8) and distance_m((m.lat, m.lon), WGS) < 0.5
    assert urlsplit(server.requests[0][0]).path == "/geocoding/v3/"
    assert _query(server)["ak"] == [KEY]
    assert "geocoding/v3" in caplog.text and KEY not in caplog.text  # geopy logs the URL
    server.script = [(200, {"status": 0, "result": {}}, 0)]
    assert p.lookup("x").reason_text() == "Baidu found nothing."
    server.script = [(200, {"status": 302, "message": "天配额超限"}, 0)]
    with pytest.raises(ProviderRefused) as err:
        p.lookup("x")
    assert KEY not in str(err.value)
    server.script = [(200, {"status": 2, "message": "参数错误"}, 0)]
    with pytest.raises(ProviderError) as err:
        p.lookup("x")
    assert not isinstance(err.value, ProviderRefused)


def test_nominatim(server) -> None:
    p = _fast(make_provider("nominatim").__class__, server)
    hit = [{"lat": str(WGS[0]), "lon": str(WGS[1]), "display_name": "东升大厦, 海淀区",
            "class": "building", "type": "yes", "place_rank": 30, "importance": 0.1}]
    server.script = [(429, "{}", 0), (200, hit, 0)]
    m = p.lookup("东升大厦")
    assert m.level == "building" and distance_m((m.lat, m.lon), WGS) < 0.01
    assert len(server.requests) == 2 and "origin-map" in server.requests[1][1]["User-Agent"]
    server.script = [(200, [], 0)]
    assert p.lookup("x").reason_text() == "Nominatim found nothing."
    road = [{**hit[0], "class": "highway", "type": "primary", "place_rank": 26}]
    server.script = [(200, road, 0)]
    assert p.lookup("x").level == "road"


def test_nominatim_waits_one_second_between_requests() -> None:
    clock = [0.0]
    slept: list[float] = []
    limiter = RateLimiter(make_provider("nominatim").min_interval_s, clock=lambda: clock[0],
                          sleep=lambda s: (slept.append(s), clock.__setitem__(0, clock[0] + s)))
    for step in (0.0, 0.25, 2.0):
        clock[0] += step
        limiter.wait()
    assert slept == [pytest.approx(0.75)]


# ---------------------------------------------------------------- keys, cache, the table
def test_missing_key_is_an_error_before_any_request(server, monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("ORIGIN_MAP_TENCENT_KEY", raising=False)
    frame = pd.DataFrame({"address": ["北京市海淀区中关村东路8号"]})
    with pytest.raises(SettingsError, match="ORIGIN_MAP_TENCENT_KEY"):
        geocode_table(frame, provider="tencent", url=server.url, cache_path=tmp_path / "c")
    assert server.requests == [] and not (tmp_path / "c").exists()


def test_cache_second_run_makes_no_request_and_never_stores_the_key(server, tmp_path) -> None:
    frame = pd.DataFrame({"address": ["北京市海淀区中关村东路8号", "北京市海淀区中关村东路８号",
                                      "无此地址"], "name": ["a", "b", "c"]})
    server.script = [(200, _amap(GCJ), 0), (200, {"status": "1", "count": "0", "geocodes": []},
                                            0)]
    cache = tmp_path / "geocode.sqlite"
    first = geocode_table(frame, provider=_fast(AMapProvider, server), cache_path=cache)
    assert first.summary.requests == 2  # the full-width spelling is the same address
    assert list(first.frame["geocode_level"]) == ["building", "building", "none"]
    again = geocode_table(frame, provider=_fast(AMapProvider, server), cache_path=cache)
    assert again.summary.requests == 0 and again.summary.from_cache == 3
    assert len(server.requests) == 2
    pd.testing.assert_frame_equal(first.frame, again.frame)
    assert KEY.encode() not in cache.read_bytes()
    assert KEY not in first.frame.to_csv()


def test_failures_never_stop_the_run_and_a_fatal_one_stops_requests(server, tmp_path) -> None:
    frame = pd.DataFrame({"address": ["a", "b", "c", "d"]})
    server.script = [(500, "{}", 0), (200, _amap(GCJ), 0),
                     (200, {"status": "0", "info": "DAILY_QUERY_OVER_LIMIT",
                            "infocode": "10003"}, 0)]
    out = geocode_table(frame, provider=_fast(AMapProvider, server, max_retries=0),
                        cache_path=tmp_path / "c.sqlite")
    assert list(out.frame["geocode_level"]) == ["none", "building", "none", "none"]
    assert "HTTP 500" in out.frame["geocode_reason"][0]
    assert "DAILY_QUERY_OVER_LIMIT" in out.frame["geocode_reason"][3]
    assert len(server.requests) == 3 and out.summary.failed == 3


def test_interrupted_run_keeps_what_it_got(server, tmp_path) -> None:
    frame = pd.DataFrame({"address": [f"北京市海淀区中关村东路{i}号" for i in range(1, 31)]})
    server.default = (200, _amap(GCJ), 0)
    cache = tmp_path / "c.sqlite"

    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        geocode_table(frame, provider=_fast(AMapProvider, server), cache_path=cache,
                      progress=stop)
    assert len(server.requests) == 25  # progress is reported every 25 rows
    rest = geocode_table(frame, provider=_fast(AMapProvider, server), cache_path=cache)
    assert rest.summary.from_cache == 25 and rest.summary.requests == 5


def test_cli_online_provider_keeps_the_key_secret(server, tmp_path, monkeypatch, capsys) -> None:
    src = tmp_path / "firms.csv"
    src.write_text("名称,地址\n某公司,北京市海淀区中关村东路8号\n", encoding="utf-8")
    monkeypatch.setenv("ORIGIN_MAP_AMAP_KEY", KEY)
    server.script = [(200, _amap(GCJ), 0)]
    out = tmp_path / "out.csv"
    assert main(["geocode", str(src), "--provider", "amap", "--url", server.url, "--cache",
                 str(tmp_path / "c.sqlite"), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "1 of 1 rows placed" in err and "0 from the cache, 1 requests" in err
    assert KEY not in err and KEY not in out.read_text(encoding="utf-8-sig")
    monkeypatch.delenv("ORIGIN_MAP_AMAP_KEY")
    assert main(["geocode", str(src), "--provider", "amap", "--url", server.url]) == 1
    assert "needs a key" in capsys.readouterr().err and len(server.requests) == 1


def test_an_unreachable_server_stops_the_run_after_a_few_rows(tmp_path) -> None:
    from origin_map.geocode._run import UNREACHABLE_ROWS

    with socket.socket() as s:  # a port that nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    provider = make_provider("nominatim", url=f"http://127.0.0.1:{port}", min_interval_s=0,
                             backoff_s=0.01, timeout_s=2, max_retries=1)
    frame = pd.DataFrame({"address": [f"北京市海淀区成府路{i}号" for i in range(1, 11)]})
    out = geocode_table(frame, provider=provider, cache_path=tmp_path / "c.sqlite", lang="zh")
    assert provider.requests == UNREACHABLE_ROWS * 2  # each of the first rows tried twice
    assert (out.frame["geocode_level"] == "none").all() and out.summary.failed == 10
    reasons = out.frame["geocode_reason"]
    assert "Nominatim" in reasons[0] and "本行未发送" not in reasons[UNREACHABLE_ROWS - 1]
    assert reasons[UNREACHABLE_ROWS:].str.contains("本行未发送").all()  # not sent, said in 中文


def test_one_server_error_between_answers_does_not_stop_the_run(server, tmp_path) -> None:
    frame = pd.DataFrame({"address": list("abcdef")})
    server.script = [(500, "{}", 0), (200, _amap(GCJ), 0)] * 3
    out = geocode_table(frame, provider=_fast(AMapProvider, server, max_retries=0),
                        cache_path=tmp_path / "c.sqlite")
    assert list(out.frame["geocode_level"]) == ["none", "building"] * 3  # every row asked
