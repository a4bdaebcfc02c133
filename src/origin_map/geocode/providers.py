"""Online geocoders: AMap and Tencent (their web APIs, with requests), Nominatim and Baidu (geopy).

Every provider has a rate limit (Nominatim: one request a second, with an identifying
User-Agent), a timeout, and retries with exponential backoff on HTTP 429, 5xx, timeouts and the
providers' own "too many requests" codes. A key comes from ``key=`` or the provider's
environment variable; it is never logged, cached or written to an output (messages are
redacted). GCJ-02 (AMap, Tencent) and BD-09 (Baidu) results are converted to WGS-84.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, ClassVar

from origin_map import __version__
from origin_map.datums import convert
from origin_map.errors import SettingsError

from ._result import Match

__all__ = ["PROVIDERS", "AMapProvider", "Provider", "ProviderError", "RateLimiter",
           "TencentProvider", "make_provider", "resolve_key"]

USER_AGENT = f"origin-map/{__version__} (geocode; https://pypi.org/project/origin-map/)"
"""Identifying User-Agent sent with every request (Nominatim's usage policy asks for one)."""


class ProviderError(Exception):
    """A request failed. ``retry``: worth trying again; ``fatal``: no later row can succeed."""

    def __init__(self, message: str, *, retry: bool = False, fatal: bool = False,
                 retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry, self.fatal, self.retry_after_s = retry, fatal, retry_after_s


class RateLimiter:
    """Wait so that calls are at least ``min_interval_s`` seconds apart."""

    def __init__(self, min_interval_s: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.min_interval_s, self.clock, self.sleep = min_interval_s, clock, sleep
        self._last: float | None = None

    def wait(self) -> None:
        """Sleep until the next call is allowed, then record it."""
        if self._last is not None:
            delay = self._last + self.min_interval_s - self.clock()
            if delay > 0:
                self.sleep(delay)
        self._last = self.clock()


class Provider:
    """Base of the online geocoders: rate limit, retries, key handling, redaction."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    env_key: ClassVar[str | None] = None
    default_url: ClassVar[str] = ""
    min_interval_s: ClassVar[float] = 0.34

    def __init__(self, *, key: str | None = None, url: str | None = None,
                 timeout_s: float = 10.0, max_retries: int = 3, backoff_s: float = 1.0,
                 min_interval_s: float | None = None, sleep: Callable[[float], None] = time.sleep
                 ) -> None:
        self.key = resolve_key(self.name, key)
        self.url = (url or self.default_url).rstrip("/")
        self.timeout_s, self.max_retries, self.backoff_s = timeout_s, max_retries, backoff_s
        self.sleep = sleep
        interval = self.min_interval_s if min_interval_s is None else min_interval_s
        self.limiter = RateLimiter(interval, sleep=sleep)
        self.requests = 0

    @property
    def cache_id(self) -> str:
        """Cache namespace: the provider, and its server when it is not the default one."""
        return self.name if self.url == self.default_url else f"{self.name}@{self.url}"

    def redact(self, text: str) -> str:
        """Return ``text`` with the key replaced by ``***``."""
        return text.replace(self.key, "***") if self.key else text

    def lookup(self, address: str) -> Match:
        """Geocode one address, retrying transient failures; raise :class:`ProviderError`."""
        for attempt in range(self.max_retries + 1):
            self.limiter.wait()
            self.requests += 1
            try:
                return self._request(address)
            except ProviderError as exc:
                if not exc.retry or attempt == self.max_retries:
                    raise ProviderError(self.redact(str(exc)), fatal=exc.fatal) from None
                wait = self.backoff_s * 2**attempt
                self.sleep(min(max(wait, exc.retry_after_s or 0.0), 60.0))
        raise AssertionError("unreachable")

    def _request(self, address: str) -> Match:
        raise NotImplementedError

    # ------------------------------------------------------------------ HTTP (requests)
    def _get_json(self, path: str, params: dict[str, str]) -> Any:
        import requests

        try:
            resp = requests.get(self.url + path, params=params, timeout=self.timeout_s,
                                headers={"User-Agent": USER_AGENT})
        except requests.Timeout:
            raise ProviderError(f"no answer within {self.timeout_s:g} s", retry=True) from None
        except requests.RequestException as exc:
            raise ProviderError(f"connection failed ({type(exc).__name__})", retry=True) from None
        if resp.status_code == 429 or resp.status_code >= 500:
            after = resp.headers.get("Retry-After", "")
            raise ProviderError(f"HTTP {resp.status_code}", retry=True,
                                retry_after_s=float(after) if after.isdigit() else None)
        if resp.status_code >= 400:
            raise ProviderError(f"HTTP {resp.status_code}", fatal=resp.status_code in (401, 403))
        try:
            return resp.json()
        except ValueError:
            raise ProviderError("the answer is not valid JSON") from None

    def _placed(self, lat: float, lon: float, datum: str, level: str, score: float,
                matched: str) -> Match:
        wlat, wlon = convert([float(lat)], [float(lon)], src=datum, dst="wgs84")
        return Match(round(float(wlat[0]), 7), round(float(wlon[0]), 7), level,
                     round(min(max(score, 0.0), 1.0), 2), self.name, matched)

    def _empty(self) -> Match:
        return Match.none("provider_empty", source=self.name, provider=self.label)


def resolve_key(provider: str, key: str | None) -> str | None:
    """Return the key for ``provider`` from ``key`` or its environment variable.

    Raises
    ------
    SettingsError
        When a keyed provider has no key (before any request is made).
    """
    cls = PROVIDERS.get(provider)
    env = cls.env_key if cls else None
    key = key or (os.environ.get(env) if env else None) or None
    if env and not key:
        raise SettingsError(f"{cls.label if cls else provider} needs a key: pass --key KEY "
                            f"(key=...) or set the environment variable {env}.")
    return key


_AMAP_LEVELS = {"门牌号": "street_number", "单元号": "street_number", "兴趣点": "building",
                "公交站台、地铁站": "building", "住宅区": "compound", "道路": "road",
                "道路交叉路口": "road", "区县": "district", "开发区": "district",
                "乡镇": "district", "村庄": "district", "热点商圈": "district"}
_AMAP_RETRY = {"10004", "10014", "10015", "10019", "10020", "10021", "10022", "10023"}
_AMAP_FATAL = {"10001", "10002", "10003", "10005", "10007", "10009", "10010", "10011",
               "10012", "10013", "10044", "10045"}


class AMapProvider(Provider):
    """AMap (高德) geocoding web API ``/v3/geocode/geo``; GCJ-02 results."""

    name, label, env_key = "amap", "AMap", "ORIGIN_MAP_AMAP_KEY"
    default_url = "https://restapi.amap.com"

    def _request(self, address: str) -> Match:
        data = self._get_json("/v3/geocode/geo", {"key": self.key or "", "address": address,
                                                  "output": "JSON"})
        if not isinstance(data, dict):
            raise ProviderError("unexpected answer")
        if str(data.get("status")) != "1":
            code = str(data.get("infocode", ""))
            msg = f"{data.get('info', 'error')} (infocode {code})"
            raise ProviderError(msg, retry=code in _AMAP_RETRY, fatal=code in _AMAP_FATAL)
        found = data.get("geocodes") or []
        if not found:
            return self._empty()
        g = found[0]
        try:
            lon, lat = (float(v) for v in str(g["location"]).split(","))
        except (KeyError, ValueError):
            raise ProviderError("the answer has no valid location") from None
        level_zh = str(g.get("level", ""))
        level = _AMAP_LEVELS.get(level_zh, "none")
        if level == "none":
            return Match.none("too_coarse", source=self.name, provider=self.label,
                              what=level_zh or "?")
        score = {"building": 0.8, "street_number": 0.75, "compound": 0.7}.get(level, 0.3)
        return self._placed(lat, lon, "gcj02", level, score,
                            f"{g.get('formatted_address', '')} ({level_zh})")


_TENCENT_LEVELS = {11: "building", 10: "compound", 9: "street_number", 8: "road", 7: "road",
                   6: "district", 5: "district", 4: "district", 3: "district", 2: "district"}


class TencentProvider(Provider):
    """Tencent location service (腾讯位置服务) ``/ws/geocoder/v1/``; GCJ-02 results."""

    name, label, env_key = "tencent", "Tencent", "ORIGIN_MAP_TENCENT_KEY"
    default_url = "https://apis.map.qq.com"
    min_interval_s = 0.2

    def _request(self, address: str) -> Match:
        data = self._get_json("/ws/geocoder/v1/", {"key": self.key or "", "address": address})
        if not isinstance(data, dict):
            raise ProviderError("unexpected answer")
        status = data.get("status")
        if status == 347:
            return self._empty()
        if status != 0:
            msg = f"{data.get('message', 'error')} (status {status})"
            raise ProviderError(msg, retry=status == 120,
                                fatal=status in (110, 111, 112, 113, 121, 190, 199, 311))
        result = data.get("result") or {}
        try:
            lat, lon = float(result["location"]["lat"]), float(result["location"]["lng"])
        except (KeyError, TypeError, ValueError):
            raise ProviderError("the answer has no valid location") from None
        level = _TENCENT_LEVELS.get(int(result.get("level", 0) or 0), "none")
        if level == "none":
            return Match.none("too_coarse", source=self.name, provider=self.label, what="city")
        score = float(result.get("reliability", 5) or 5) / 10
        return self._placed(lat, lon, "gcj02", level, score,
                            f"{result.get('title', '')} (level {result.get('level')})")


def make_provider(name: str, **kwargs: Any) -> Provider:
    """Return the online provider ``name`` (``nominatim``, ``amap``, ``baidu``, ``tencent``)."""
    if name not in PROVIDERS:
        raise SettingsError(f"Unknown geocoding provider {name!r}; use gazetteer, "
                            f"{', '.join(PROVIDERS)}.")
    return PROVIDERS[name](**kwargs)


from ._geopy_clients import BaiduProvider, NominatimProvider  # noqa: E402

PROVIDERS: dict[str, type[Provider]] = {
    "nominatim": NominatimProvider, "amap": AMapProvider, "baidu": BaiduProvider,
    "tencent": TencentProvider,
}
