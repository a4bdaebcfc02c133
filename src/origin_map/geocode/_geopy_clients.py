"""Nominatim (public or self-hosted) and Baidu geocoding through geopy.

geopy's own connection retries are turned off so that :class:`~._provider.Provider` alone
decides about retries and counts the requests.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from origin_map.geocode._provider import (
    USER_AGENT,
    Provider,
    ProviderError,
    ProviderRateLimited,
    ProviderRefused,
    ProviderTransientError,
    ProviderUnavailable,
)
from origin_map.geocode._result import Match

__all__ = ["BaiduProvider", "NominatimProvider"]


class _RedactKey(logging.Filter):
    """Remove a key from geopy's debug log lines (they contain the request URL)."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if self.key in text:
            record.msg, record.args = text.replace(self.key, "***"), None
        return True


def _adapter(*, proxies: Any, ssl_context: Any) -> Any:
    from geopy.adapters import RequestsAdapter

    return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)


def _call(provider: Provider, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a geopy geocoder; turn its exceptions into :class:`ProviderError` types."""
    from geopy import exc

    try:
        return fn(*args, **kwargs)
    except exc.GeocoderRateLimited as e:
        raise ProviderRateLimited("too many requests (HTTP 429)",
                                  retry_after_s=e.retry_after) from None
    except (exc.GeocoderTimedOut, exc.GeocoderUnavailable) as e:
        raise ProviderUnavailable(f"service unavailable or too slow ({type(e).__name__})"
                                  ) from None
    except (exc.GeocoderAuthenticationFailure, exc.GeocoderInsufficientPrivileges,
            exc.GeocoderQuotaExceeded) as e:
        raise ProviderRefused(f"{type(e).__name__}: {e}") from None
    except exc.GeocoderParseError:
        raise ProviderError("the answer is not valid JSON") from None
    except exc.GeocoderServiceError as e:
        text = str(e)
        retry = any(f"{code}" in text for code in (500, 502, 503, 504))
        kind = ProviderTransientError if retry else ProviderError
        raise kind(f"{type(e).__name__}: {text}") from None


def _nominatim_level(raw: dict[str, Any]) -> str:
    rank = int(raw.get("place_rank", 0) or 0)
    cls = str(raw.get("class", ""))
    if rank >= 30:
        return "street_number" if cls == "place" else "building"
    if rank >= 26:
        return "road"
    if rank >= 12:
        return "district"
    return "none"


class NominatimProvider(Provider):
    """OpenStreetMap Nominatim (public server, or a self-hosted one with ``url``); WGS-84."""

    name, label, env_key = "nominatim", "Nominatim", None
    default_url = "https://nominatim.openstreetmap.org"
    min_interval_s = 1.0

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        from geopy.geocoders import Nominatim

        parts = urlsplit(self.url if "://" in self.url else f"https://{self.url}")
        self._geocoder = Nominatim(user_agent=USER_AGENT, domain=parts.netloc + parts.path,
                                   scheme=parts.scheme, timeout=self.timeout_s,
                                   adapter_factory=_adapter)

    def _request(self, address: str) -> Match:
        loc = _call(self, self._geocoder.geocode, address, exactly_one=True)
        if loc is None:
            return self._empty()
        raw = loc.raw if isinstance(loc.raw, dict) else {}
        level = _nominatim_level(raw)
        if level == "none":
            return Match.none("too_coarse", source=self.name, provider=self.label,
                              what=str(raw.get("type", "area")))
        score = {"building": 0.8, "street_number": 0.75, "road": 0.4}.get(level, 0.2)
        return self._placed(loc.latitude, loc.longitude, "wgs84", level, score,
                            f"{raw.get('display_name', '')} ({raw.get('class')}/"
                            f"{raw.get('type')})")


_BAIDU_POI = ("商务大厦", "公司企业", "教育", "医疗", "酒店", "购物", "餐饮", "房地产", "政府机构",
              "交通设施", "旅游景点", "文化传媒", "生活服务", "休闲娱乐", "金融", "汽车服务")
_BAIDU_LEVELS = {"门址": "street_number", "道路": "road", "道路交叉口": "road", "UNKNOWN": "none",
                 "区县": "district", "乡镇": "district", "商圈": "district", "村庄": "district",
                 "开发区": "district", "城市": "none", "省份": "none", "国家": "none"}


class BaiduProvider(Provider):
    """Baidu geocoding v3 (百度地理编码); BD-09 results."""

    name, label, env_key = "baidu", "Baidu", "ORIGIN_MAP_BAIDU_KEY"
    default_url = "https://api.map.baidu.com"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        from geopy.geocoders import BaiduV3

        scheme = urlsplit(self.url).scheme or "https"
        self._geocoder = BaiduV3(api_key=self.key, scheme=scheme, timeout=self.timeout_s,
                                 user_agent=USER_AGENT, adapter_factory=_adapter)
        self._geocoder.api = f"{self.url}{BaiduV3.api_path}"
        if self.key:
            logging.getLogger("geopy").addFilter(_RedactKey(self.key))

    def _request(self, address: str) -> Match:
        loc = _call(self, self._geocoder.geocode, address, exactly_one=True)
        if loc is None:
            return self._empty()
        raw = loc.raw if isinstance(loc.raw, dict) else {}
        level_zh = str(raw.get("level", ""))
        level = "building" if level_zh in _BAIDU_POI else _BAIDU_LEVELS.get(level_zh, "none")
        if level == "building" and not raw.get("precise"):
            level = "street_number"
        if level == "none":
            return Match.none("too_coarse", source=self.name, provider=self.label,
                              what=level_zh or "?")
        score = float(raw.get("confidence", 50) or 50) / 100
        return self._placed(loc.latitude, loc.longitude, "bd09", level, score,
                            f"{level_zh} (confidence {raw.get('confidence')}, "
                            f"comprehension {raw.get('comprehension')})")
