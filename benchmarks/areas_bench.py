"""places_in_area at 1e5 and 1e6 SYNTHETIC places against a naive per-point shapely loop.

    .venv/bin/python benchmarks/areas_bench.py                 # 1e5 and 1e6, 5 runs each
    .venv/bin/python benchmarks/areas_bench.py --sizes 1e4 --repeat 3 --sample 5000

* **ours**: ``origin_map.measure.areas.places_in_area``: points well inside or outside are decided
in
  degrees against the area shrunk/grown by a safe margin (prepared polygons, vectorised); only
  the points in that band are projected to the area's AEQD and tested exactly (boundary
  included). Same answer as projecting every point (tests/test_areas.py checks it).
* **naive**: what a typical script does: ``Point(lon, lat).within(polygon)`` for every place in
  a Python loop (in degrees). Timed on a random subsample of ``--sample`` places and
  extrapolated linearly to N (the loop is linear), so 1e6 does not take minutes.
* **floor**: a vectorised ``shapely.contains_xy`` on the polygon in degrees, prepared, no
  projection and no pre-selection: the fastest plain-shapely answer (not metric).

The areas are a 1 km x 1 km square and a drawn circle of radius 1 km (a 317-vertex polygon)
around Dongsheng Building. Points: ``synth.synthetic_places`` (half-normal radius, sigma 2.5 km),
so about 12 % / 15 % of them fall inside. Medians of ``--repeat`` runs are printed; the
subsample also checks that ours and the naive loop agree (``mismatch``: points within
centimetres of the boundary may differ, as the naive loop tests in degrees).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import shapely
from measure import measure
from shapely import Point, box
from shapely.geometry import mapping
from synth import DONGSHENG, synthetic_places

from origin_map.measure import areas

C = DONGSHENG


def test_areas() -> dict[str, areas.Area]:
    square = areas.to_local(box(-500, -500, 500, 500), C.lat, C.lon, inverse=True)
    circle = {"type": "Feature", "properties": {"radius": 1000},
              "geometry": {"type": "Point", "coordinates": [C.lon, C.lat]}}
    return {"square 1 km²": areas.area_from_geojson_dict(mapping(square)),
            "circle r=1 km": areas.area_from_geojson_dict(circle)}


def naive_within(lat: np.ndarray, lon: np.ndarray, polygon) -> np.ndarray:
    return np.array([Point(x, y).within(polygon) for x, y in zip(lon, lat, strict=True)])


def floor_contains(lat: np.ndarray, lon: np.ndarray, polygon) -> np.ndarray:
    shapely.prepare(polygon)
    return shapely.contains_xy(polygon, lon, lat)


def bench(n: int, repeat: int, sample: int) -> list[dict[str, object]]:
    places = synthetic_places(n)
    lat, lon = places["lat"].to_numpy(), places["lon"].to_numpy()
    rng = np.random.default_rng(1)
    pick = rng.choice(n, size=min(sample, n), replace=False)
    rows = []
    for name, area in test_areas().items():
        ours = measure(lambda a=area: areas.places_in_area(places, a), repeat)
        floor = measure(lambda a=area: floor_contains(lat, lon, a.geometry), repeat)
        t0 = time.perf_counter()
        naive_mask = naive_within(lat[pick], lon[pick], area.geometry)
        naive_s = (time.perf_counter() - t0) * n / len(pick)
        mismatch = int((naive_mask != ours.result[pick]).sum())
        rows.append({"N": n, "area": name, "inside": int(ours.result.sum()),
                     "ours_s": ours.median_s, "naive_s (extrapolated)": naive_s,
                     "floor_s": floor.median_s, "naive/ours": naive_s / ours.median_s,
                     "ours/floor": ours.median_s / floor.median_s,
                     "mismatch (of sample)": f"{mismatch}/{len(pick)}"})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1e5,1e6")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sample", type=int, default=20_000)
    args = parser.parse_args()
    rows = []
    for size in args.sizes.split(","):
        rows += bench(int(float(size)), args.repeat, args.sample)
    head = list(rows[0])
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        cells = [f"{v:.4g}" if isinstance(v, float) else f"{v:,}" if isinstance(v, int)
                 else str(v) for v in r.values()]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
