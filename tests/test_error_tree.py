"""The typed error tree: every error Origin Map raises on purpose is an ``OriginMapError``.

Geocoding failures say by their type what a caller can do (as geopy's exceptions do): ask again
(transient, rate limited, unavailable), stop asking (refused), or give up on one row.
"""

from __future__ import annotations

import pytest
from geopy import exc as geopy_exc

from origin_map import errors
from origin_map.geocode import (
    GeocodingError,
    ProviderError,
    ProviderRateLimited,
    ProviderRefused,
    ProviderTransientError,
    ProviderUnavailable,
)
from origin_map.geocode._geopy_clients import _call
from origin_map.geocode.providers import make_provider
from origin_map.measure.area_errors import AreaError


@pytest.mark.parametrize(("child", "parent"), [
    (errors.DataValidationError, errors.OriginMapError),
    (errors.SettingsError, errors.OriginMapError),
    (errors.InputLimitError, errors.OriginMapError),
    (AreaError, errors.DataValidationError),
    (GeocodingError, errors.OriginMapError),
    (ProviderError, GeocodingError),
    (ProviderTransientError, ProviderError),
    (ProviderRateLimited, ProviderTransientError),
    (ProviderUnavailable, ProviderTransientError),
    (ProviderRefused, ProviderError),
    (errors.OriginMapError, ValueError),
])
def test_the_tree(child: type, parent: type) -> None:
    assert issubclass(child, parent)


def test_a_refusal_is_not_retryable() -> None:
    assert not issubclass(ProviderRefused, ProviderTransientError)


@pytest.mark.parametrize(("raised", "expected", "after"), [
    (geopy_exc.GeocoderRateLimited("slow down", retry_after=7), ProviderRateLimited, 7),
    (geopy_exc.GeocoderTimedOut("late"), ProviderUnavailable, None),
    (geopy_exc.GeocoderUnavailable("down"), ProviderUnavailable, None),
    (geopy_exc.GeocoderAuthenticationFailure("bad key"), ProviderRefused, None),
    (geopy_exc.GeocoderQuotaExceeded("quota"), ProviderRefused, None),
    (geopy_exc.GeocoderServiceError("HTTP 503"), ProviderTransientError, None),
])
def test_geopy_failures_become_types(raised: Exception, expected: type,
                                     after: float | None) -> None:
    def fail() -> None:
        raise raised

    with pytest.raises(expected) as err:
        _call(make_provider("nominatim"), fail)
    assert getattr(err.value, "retry_after_s", None) == after


@pytest.mark.parametrize("raised", [geopy_exc.GeocoderParseError("x"),
                                    geopy_exc.GeocoderServiceError("bad request")])
def test_a_bad_answer_is_a_plain_provider_error(raised: Exception) -> None:
    def fail() -> None:
        raise raised

    with pytest.raises(ProviderError) as err:
        _call(make_provider("nominatim"), fail)
    assert type(err.value) is ProviderError
