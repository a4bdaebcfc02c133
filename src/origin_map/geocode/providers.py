"""Online geocoders: AMap and Tencent (their web APIs, with requests), Nominatim and Baidu (geopy).

Every provider has a rate limit (Nominatim: one request a second, with an identifying
User-Agent), a timeout, and retries with exponential backoff on HTTP 429, 5xx, timeouts and the
providers' own "too many requests" codes. A key comes from ``key=`` or the provider's
environment variable; it is never logged, cached or written to an output (messages are
redacted). GCJ-02 (AMap, Tencent) and BD-09 (Baidu) results are converted to WGS-84.
"""

from __future__ import annotations

from typing import Any

from origin_map.errors import SettingsError
from origin_map.geocode._geopy_clients import BaiduProvider, NominatimProvider
from origin_map.geocode._provider import (
    Provider,
    ProviderError,
    ProviderRateLimited,
    ProviderRefused,
    ProviderTransientError,
    ProviderUnavailable,
    RateLimiter,
    provider_key,
)
from origin_map.geocode._result import Match

__all__ = ["PROVIDERS", "AMapProvider", "Provider", "ProviderError", "ProviderRateLimited",
           "ProviderRefused", "ProviderTransientError", "ProviderUnavailable", "RateLimiter",
           "TencentProvider", "make_provider", "resolve_key"]


def resolve_key(provider: str, key: str | None) -> str | None:
    """Return the key for ``provider`` (a :data:`PROVIDERS` name) from ``key`` or the environment.

    Raises
    ------
    SettingsError
        When a keyed provider has no key (before any request is made).
    """
    cls = PROVIDERS.get(provider)
    return provider_key(cls, key) if cls else (key or None)


_AMAP_LEVELS = {"门牌号": "street_number", "单元号": "street_number", "兴趣点": "building",
                "公交站台、地铁站": "building", "住宅区": "compound", "道路": "road",
                "道路交叉路口": "road", "区县": "district", "开发区": "district",
                "乡镇": "district", "村庄": "district", "热点商圈": "district"}
_AMAP_RETRY = {"10004", "10014", "10015", "10019", "10020", "10021", "10022", "10023"}
_AMAP_FATAL = {"10001", "10002", "10003", "10005", "10007", "10009", "10010", "10011",
               "10012", "10013", "10044", "10045"}


def _failure(message: str, *, rate_limited: bool, refused: bool) -> ProviderError:
    """Return the error of a provider's status code: rate limited, refused, or a bad answer."""
    if rate_limited:
        return ProviderRateLimited(message)
    return ProviderRefused(message) if refused else ProviderError(message)


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
            raise _failure(msg, rate_limited=code in _AMAP_RETRY, refused=code in _AMAP_FATAL)
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
            raise _failure(msg, rate_limited=status == 120,
                           refused=status in (110, 111, 112, 113, 121, 190, 199, 311))
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


PROVIDERS: dict[str, type[Provider]] = {
    "nominatim": NominatimProvider, "amap": AMapProvider, "baidu": BaiduProvider,
    "tencent": TencentProvider,
}
