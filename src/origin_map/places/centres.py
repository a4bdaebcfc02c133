"""The centres: the shipped table (``geodata/centres.csv``) and a centre named on a command line.

Read with the csv module, without pandas (the command line's lean ``stats`` path needs a centre
and nothing of pandas); :mod:`origin_map.places.datasets` re-exports both functions.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from origin_map import i18n
from origin_map.errors import DataValidationError, Problem, SettingsError
from origin_map.geo.geometry import Centre
from origin_map.paths import geodata_dir

__all__ = ["load_centres", "resolve_centre"]


def load_centres(path: str | Path | None = None) -> list[Centre]:
    """Return the centres table (the first row is the default centre).

    Parameters
    ----------
    path
        A CSV with columns ``id, name_zh, name_en, lat, lon`` (WGS-84); the shipped table if None.

    Returns
    -------
    list of Centre
        The centres, in file order.

    Raises
    ------
    DataValidationError
        If a row's coordinates are not valid, or the table is empty.

    Examples
    --------
    >>> load_centres()[0].id
    'dongsheng-building'
    """
    path = Path(path) if path else geodata_dir() / "centres.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    centres = []
    for i, r in enumerate(rows, start=1):
        try:
            centres.append(Centre(r["id"], r["name_zh"], r["name_en"], float(r["lat"]),
                                  float(r["lon"])))
        except (ValueError, TypeError, SettingsError) as exc:  # TypeError: a short row
            raise DataValidationError([Problem(i, "lat/lon", str(exc), "Fix the centre.")],
                                      source=path.name) from exc
    if not centres:
        raise DataValidationError([Problem(None, None, "No centres.", "Add one.")], path.name)
    return centres


def resolve_centre(spec: str | None, centres: list[Centre] | None = None) -> Centre:
    """Return the centre named by ``spec``: a centre id, or ``"LAT,LON"`` in WGS-84 degrees.

    Parameters
    ----------
    spec
        A centre id, ``"LAT,LON"``, or ``None``/``""`` for the default (first) centre.
    centres
        The centres to choose from (default: :func:`load_centres`).

    Returns
    -------
    Centre
        The centre; a typed point is the centre ``custom``.

    Raises
    ------
    SettingsError
        If the id is unknown or the coordinates are not valid.

    Examples
    --------
    >>> resolve_centre(None).id
    'dongsheng-building'
    >>> resolve_centre("39.9915,116.3317")
    Centre(id='custom', name_zh='自定义中心', name_en='Custom centre', lat=39.9915, lon=116.3317)
    """
    centres = centres if centres is not None else load_centres()
    if spec is None or not str(spec).strip():
        return centres[0]
    text = str(spec).strip()
    for c in centres:
        if c.id == text:
            return c
    parts = [p for p in re.split(r"[,\s;]+", text) if p]
    if len(parts) == 2:
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            pass
        else:
            if abs(lat) > 90 >= abs(lon):
                raise SettingsError(f"Centre {text!r}: latitude {lat} is out of range; did you "
                                    f"mean {lon},{lat} (latitude first)?")
            return Centre("custom", i18n.text("centre.custom", "zh"),
                          i18n.text("centre.custom", "en"), lat, lon)
    known = ", ".join(c.id for c in centres)
    raise SettingsError(f"Unknown centre {text!r}. Use a centre id ({known}) or "
                        "'LAT,LON' in WGS-84 decimal degrees, e.g. 39.992446,116.327708.")
