"""pandas-free helpers of the lean ``stats`` path: pyarrow text checks and CSV rows.

Each is compared with the pandas or Python answer on generated data.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from origin_map.io.csvrows import rows_csv_bytes
from origin_map.io.export import to_csv_bytes
from origin_map.places.arrowtext import may_need_strip, numbers, strictly_increasing

ALPHABET = ["a", "b", "Z", "0", " ", "é", "中", "\u3000", "-"]


def _texts(rng: np.random.Generator, n: int) -> list[str]:
    return ["".join(rng.choice(ALPHABET, size=rng.integers(0, 5))) for _ in range(n)]


@pytest.mark.parametrize("seed", range(5))
def test_strictly_increasing_as_python_compares(seed) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(300):
        texts = _texts(rng, int(rng.integers(2, 8)))
        if rng.random() < 0.5:
            texts = sorted(set(texts)) or ["a", "b"]
        want = len(texts) > 1 and all(b > a for a, b in itertools.pairwise(texts))
        arr = pa.array(texts)
        assert strictly_increasing(arr) == want, texts
        assert strictly_increasing(pa.chunked_array([arr])) == want
    same_length = pa.array([f"id-{i:06d}" for i in range(10_000)])
    assert strictly_increasing(same_length)
    assert not strictly_increasing(pa.array(["id-000002", "id-000001"]))
    assert not strictly_increasing(pa.array(["a", "a"]))  # equal: not distinct
    assert not strictly_increasing(pa.array(["a", None, "b"]))  # not known


def test_may_need_strip_as_strip_says() -> None:
    rng = np.random.default_rng(9)
    for _ in range(500):
        texts = _texts(rng, 4)
        changes = any(t != t.strip() for t in texts)
        if changes:  # True may be said for texts that strip leaves alone; never False wrongly
            assert may_need_strip(pa.array(texts))
    assert not may_need_strip(pa.array(["abc", "", "x-1"]))
    assert may_need_strip(pa.array(["abc", "d\u3000"]))


def test_numbers_as_numpy() -> None:
    for arr in (pa.array([1.5, -2.0, 3.25]), pa.array([True, False, True, True]),
                pa.array(np.arange(10, dtype=np.int32)).slice(3, 4),
                pa.chunked_array([[1, 2], [3]])):
        assert np.array_equal(numbers(arr), np.asarray(arr.to_numpy(zero_copy_only=False)))
    booleans = pa.array([i % 3 == 0 for i in range(20)]).slice(5, 11)
    assert numbers(booleans).tolist() == booleans.to_pylist()


def test_rows_csv_bytes_as_to_csv_bytes() -> None:
    rng = np.random.default_rng(4)
    for _ in range(50):
        n = int(rng.integers(0, 6))
        rows = [{"text": str(rng.choice(["=1+1", "-3", "a,b", 'say "x"', "中文", "@x", "+7"])),
                 "int": int(rng.integers(-10**12, 10**12)),
                 "float": float(rng.choice([0.0, 1e-05, 0.1 + 0.2, 1e16, 123456.789, -2.5])),
                 "mixed": int(rng.integers(0, 3)) if rng.random() < 0.5 else 1.5,
                 "npfloat": np.float64(rng.random()).round(4)} for _ in range(n)]
        columns = ["text", "int", "float", "mixed", "npfloat"]
        if not rows:
            continue
        assert rows_csv_bytes(rows, columns) == to_csv_bytes(pd.DataFrame(rows, columns=columns))
