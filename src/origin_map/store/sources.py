"""Reading a places file for the store: its rows, problems and provenance in one pass.

The file is read once; its format is decided from its content (as the readers do) and recorded
as the dataset's reader, with the file's name and declared datum.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from origin_map.store.model import Provenance

if TYPE_CHECKING:
    from origin_map.io.readers import Source
    from origin_map.places.datasets import LoadResult

__all__ = ["read_for_store"]


def read_for_store(source: Source, *, name: str | None = None, datum: str = "wgs84",
                   **kwargs: Any) -> tuple[LoadResult, Provenance]:
    """Read and check a places file; return the result and the provenance to save it with.

    ``source``, ``name``, ``datum`` and ``kwargs`` (``unknown_values``, ``layer``, ``sheet``,
    ``max_bytes``, ``centre``) are those of :func:`~origin_map.places.datasets.read_places`;
    the places are a plain table (the store keeps no shapes).
    """
    from origin_map.io.readers import MAX_BYTES_DEFAULT, read_bytes
    from origin_map.io.sniff import detect_format, display_name
    from origin_map.places.datasets import read_places

    data, default_name = read_bytes(source, max_bytes=kwargs.get("max_bytes",
                                                                 MAX_BYTES_DEFAULT))
    label = display_name(name) if name else default_name
    reader = detect_format(data, label)[0] if data.strip() else ""
    result = read_places(data, name=label, datum=datum, fmt=reader or None, geometry=False,
                         **kwargs)
    return result, Provenance(result.name, reader, result.datum)
