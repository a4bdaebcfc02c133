"""The base of the online geocoders: rate limit, retries, key handling, redaction, HTTP.

Internal: :mod:`.providers` (AMap, Tencent, the registry) and :mod:`._geopy_clients` (Nominatim,
Baidu) subclass :class:`Provider`; neither imports the other's module for it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, ClassVar

from origin_map import __version__
from origin_map.errors import GeocodingError, SettingsError
from origin_map.geo.datums import convert
from origin_map.geocode._result import Match

__all__ = ["USER_AGENT", "Provider", "ProviderError", "ProviderRateLimited", "ProviderRefused",
           "ProviderTransientError", "ProviderUnavailable", "RateLimiter", "provider_key"]

USER_AGENT = f"origin-map/{__version__} (geocode; https://pypi.org/project/origin-map/)"
"""Identifying User-Agent sent with every request (Nominatim's usage policy asks for one)."""


class ProviderError(GeocodingError):
    """A request failed with a bad answer for this one address; not worth asking again.

    The subclasses say what else a caller can do (a typed tree, as geopy's exceptions):
    :class:`ProviderTransientError` (retryable), with :class:`ProviderRateLimited` and
    :class:`ProviderUnavailable`, and :class:`ProviderRefused` (no later row can succeed).
    """


class ProviderTransientError(ProviderError):
    """A failure that may pass when asked again (e.g. HTTP 5xx); ``retry_after_s`` if known."""

    def __init__(self, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ProviderRateLimited(ProviderTransientError):
    """Too many requests (HTTP 429, a per-second quota): retryable, after ``retry_after_s``."""


class ProviderUnavailable(ProviderTransientError):
    """The server did not answer at all (no connection, or no answer in time): retryable."""


class ProviderRefused(ProviderError):
    """The service refuses every request (invalid key, quota exhausted, forbidden).

    No later row can succeed, so a run asks no more.
    """


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
        self.key = provider_key(type(self), key)
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
                if not isinstance(exc, ProviderTransientError) or attempt == self.max_retries:
                    exc.args = (self.redact(str(exc)),)  # the same type, the key removed
                    raise exc from None
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
            raise ProviderUnavailable(f"no answer within {self.timeout_s:g} s") from None
        except requests.RequestException as exc:
            raise ProviderUnavailable(f"connection failed ({type(exc).__name__})") from None
        if resp.status_code == 429 or resp.status_code >= 500:
            after = resp.headers.get("Retry-After", "")
            transient = ProviderRateLimited if resp.status_code == 429 else ProviderTransientError
            raise transient(f"HTTP {resp.status_code}",
                            retry_after_s=float(after) if after.isdigit() else None)
        if resp.status_code >= 400:
            refused = resp.status_code in (401, 403)
            raise (ProviderRefused if refused else ProviderError)(f"HTTP {resp.status_code}")
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


def provider_key(cls: type[Provider], key: str | None) -> str | None:
    """Return the key for provider class ``cls`` from ``key`` or its environment variable.

    Raises
    ------
    SettingsError
        When a keyed provider has no key (before any request is made).
    """
    env = cls.env_key
    key = key or (os.environ.get(env) if env else None) or None
    if env and not key:
        raise SettingsError(f"{cls.label or cls.name} needs a key: pass --key KEY (key=...) or "
                            f"set the environment variable {env}.")
    return key
