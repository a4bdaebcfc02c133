"""Checks of pyarrow text arrays read from their buffers with numpy (no pandas, no compute).

Used by the row checks (:mod:`origin_map.places.checks`) on pyarrow-backed columns and by the
command line's lean ``stats`` path, which reads a large file without importing pandas.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = ["int_array", "may_need_strip", "numbers", "strictly_increasing", "text_array"]


def _chunks(arr: Any) -> Iterator[tuple[np.ndarray, np.ndarray] | None]:
    """Yield each chunk's offsets (one more than its texts) and its bytes; None: not text."""
    import pyarrow as pa

    for chunk in arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]:
        if pa.types.is_large_string(chunk.type):
            width: type = np.int64
        elif pa.types.is_string(chunk.type):
            width = np.int32
        else:
            yield None
            continue
        _, offsets_buf, data_buf = chunk.buffers()
        first = chunk.offset
        offsets: np.ndarray = np.frombuffer(offsets_buf, dtype=width)[
            first:first + len(chunk) + 1]
        data = (np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None
                else np.zeros(0, dtype=np.uint8))
        yield offsets, data


def numbers(arr: Any) -> np.ndarray:
    """Return a pyarrow array of numbers or booleans as a numpy array, read from its buffers.

    pyarrow's own ``to_numpy`` imports pandas (which the lean ``stats`` path does without);
    an array with nulls, or of another type, is converted by it.
    """
    import pyarrow as pa

    parts = []
    for chunk in arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]:
        t = chunk.type
        kind = ("b" if pa.types.is_boolean(t) else "f" if pa.types.is_floating(t) else
                "i" if pa.types.is_signed_integer(t) else
                "u" if pa.types.is_unsigned_integer(t) else "")
        if chunk.null_count or not kind:
            parts.append(chunk.to_numpy(zero_copy_only=False))
            continue
        data = chunk.buffers()[1]
        start, n = chunk.offset, len(chunk)
        if kind == "b":
            bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")
            parts.append(bits[start:start + n].astype(bool))
        else:
            dtype = np.dtype(f"{kind}{t.bit_width // 8}")
            parts.append(np.frombuffer(data, dtype=dtype, count=n, offset=start * dtype.itemsize))
    if len(parts) == 1:
        return parts[0]
    return np.concatenate(parts) if parts else np.zeros(0)


def int_array(values: Any) -> Any:
    """Return integers as a pyarrow ``int64`` array built from their buffer (no pandas)."""
    import pyarrow as pa

    v = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(v), [None, pa.py_buffer(v)])


def text_array(texts: list[str]) -> Any:
    """Return texts as a pyarrow ``string`` array built from its buffers (no pandas)."""
    import pyarrow as pa

    data = [t.encode("utf-8") for t in texts]
    offsets = np.cumsum([0, *map(len, data)], dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), len(data),
                                 [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))])


def may_need_strip(arr: Any) -> bool:
    """Return whether some text of a pyarrow text array may start or end with whitespace.

    ``False`` means that stripping would change nothing: every value starts and ends with a
    printable ASCII character other than space ('!' to '~'); in UTF-8 every whitespace
    character, ASCII or not, starts and ends with a byte outside that range. Only the first and
    last byte of each value are read. An array with nulls, or not of text: ``True``.
    """
    if arr.null_count:
        return True
    for part in _chunks(arr):
        if part is None:
            return True
        offsets, data = part
        starts, ends = offsets[:-1], offsets[1:]
        full = ends > starts  # empty texts have nothing to strip
        if not full.any():
            continue
        if not full.all():
            starts, ends = starts[full], ends[full]
        for edge in (data[starts], data[ends - 1]):
            if ((edge - np.uint8(0x21)) > np.uint8(0x7E - 0x21)).any():
                return True
    return False


def strictly_increasing(arr: Any, max_width: int = 64) -> bool:
    """Return whether a pyarrow text array is strictly increasing (so its values are distinct).

    The texts are compared as UTF-8 bytes (the order of code points), side by side in a
    matrix of their first ``max_width`` bytes padded with zero bytes. ``False`` means not
    known: not increasing, a NUL byte, a null, a longer text, or not a single text chunk.
    """
    parts = list(_chunks(arr))
    if arr.null_count or len(arr) < 2 or len(parts) != 1 or parts[0] is None:
        return False
    offsets, data = parts[0]
    lengths = np.diff(offsets)
    width = int(lengths.max())
    if width > max_width or (width and not np.all(data[offsets[0]:offsets[-1]])):
        return False  # long texts or a NUL byte (which the zero padding would hide)
    if width and lengths.min() == width:  # texts of one length: the bytes are the matrix
        matrix = data[offsets[0]:offsets[-1]].reshape(len(lengths), width)
    else:
        matrix = np.zeros((len(lengths), max(width, 1)), dtype=np.uint8)
        starts = offsets[:-1]
        for j in range(width):
            has = lengths > j
            matrix[has, j] = data[starts[has] + j]
    texts = np.ascontiguousarray(matrix).view(f"S{matrix.shape[1]}").ravel()
    return bool((texts[1:] > texts[:-1]).all())
