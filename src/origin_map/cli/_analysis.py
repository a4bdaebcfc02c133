"""``origin-map compare``, ``cluster`` and ``coverage``: hubs side by side, clustering."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from origin_map.cli._inputs import memory_places, place_filter, write_csv
from origin_map.cli._options import (
    EXIT_DATA,
    EXIT_OK,
    add_data_options,
    add_filter_options,
    add_output_option,
    add_setting_option,
    lang_choices,
)

if TYPE_CHECKING:
    import pandas as pd

    from origin_map.geo.geometry import Centre

__all__ = ["add_analysis_parsers"]

_COMPARE_EPILOG = """\
examples:
  origin-map compare                                  # every hub of geodata/hubs.csv, 1 km
  origin-map compare --rings 500,2000 -o hubs-density.csv --figures hubs-figures.csv
  origin-map compare --centres dongsheng-building,tuspark --composition sectors.csv

Output (-o): the density table of each centre stacked (columns as for 'stats'; centre_id tells
them apart), every centre with the same rings. --figures: one row per hub with the published
figures beside the dataset's counts within the hub's radius_m and coverage in % (dataset /
published x 100); coverage_note says 'thin' below 50 %: such counts are not a finding.
"""

_CLUSTER_EPILOG = """\
examples:
  origin-map cluster                                  # shipped data, Dongsheng Building, 1 km
  origin-map cluster --centre 39.9925,116.3277 --radius-m 800 --seed 7 -o cluster.csv
  origin-map cluster --no-merge --curves curves.csv

Output: a tidy CSV 'statistic,value': n (after merging places within --merge-tol-m, which is
said in the rows merged/n_before_merge), area_km2, nni (Clark-Evans index, Donnelly edge
correction: < 1 clustered, > 1 regular), nni_z, nni_p, nni_p_mc, L_minus_d_<d>m with the CSR
envelope L_lo_<d>m/L_hi_<d>m (pointwise min/max of --n-sim simulations in the same disc),
L_mad_p, and decay_* rows (density per ring against the uniform n/area). See docs/cluster.md.
"""


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="FILE",
                   help="places file (CSV, XLSX, GeoJSON, GPKG); default: the shipped data")
    from origin_map.cli._store import add_dataset_options

    add_dataset_options(p)
    add_data_options(p)
    add_filter_options(p)
    add_output_option(p)


def add_analysis_parsers(sub: Any) -> None:
    """Register ``compare``, ``cluster`` and ``coverage`` on the sub-parsers of ``origin-map``."""
    _add_compare_parser(sub)
    _add_cluster_parser(sub)
    _add_coverage_parser(sub)


def _add_compare_parser(sub: Any) -> None:
    cmp_ = sub.add_parser("compare", help="compare hubs: stacked density tables, published "
                          "figures vs the dataset", epilog=_COMPARE_EPILOG,
                          formatter_class=argparse.RawDescriptionHelpFormatter,
                          description="Write the density tables of several hubs stacked.")
    _common(cmp_)
    cmp_.add_argument("--centres", "--centers", metavar="ID,ID,...",
                      help="centre ids from centres.csv; default: the centre of every hub")
    cmp_.add_argument("--hubs", type=Path, metavar="FILE",
                      help="hubs table (default: geodata/hubs.csv)")
    add_setting_option(cmp_, "radius", "main radius in metres, {bounds} (default {default}); "
                       "always one of the rings", metavar="M")
    add_setting_option(cmp_, "rings", "more ring radii in metres (default {default}; '' for "
                       "none)", metavar="M,M,...")
    cmp_.add_argument("--figures", type=Path, metavar="FILE.csv",
                      help="also write published figures vs dataset counts with coverage")
    cmp_.add_argument("--composition", type=Path, metavar="FILE.csv",
                      help="also write places per sector within --radius-m of each centre")
    cmp_.add_argument("--lang", choices=lang_choices(), default="en",
                      help="language of coverage notes and sector labels (default en)")
    cmp_.set_defaults(run=_cmd_compare)


def _add_cluster_parser(sub: Any) -> None:
    clu = sub.add_parser("cluster", help="clustering statistics (Clark-Evans, Ripley's L, "
                         "distance decay) in a disc", epilog=_CLUSTER_EPILOG,
                         formatter_class=argparse.RawDescriptionHelpFormatter,
                         description="Test whether the places within a radius are clustered.")
    _common(clu)
    clu.add_argument("--centre", "--center", metavar="ID|LAT,LON",
                     help="a centre id or 'LAT,LON' (WGS-84); default: dongsheng-building")
    add_setting_option(clu, "radius", "radius of the disc window in metres, {bounds} "
                       "(default {default})", metavar="M")
    clu.add_argument("--distances", metavar="M,M,...",
                     help="distances of L(d) - d (default 50,100,...,500 up to radius/2)")
    clu.add_argument("--n-sim", type=int, default=99, metavar="N",
                     help="CSR simulations for the envelopes (at least 99; default 99)")
    clu.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    clu.add_argument("--edge-correction", default="translation",
                     choices=["translation", "isotropic", "none"],
                     help="edge correction of Ripley's K (default translation)")
    clu.add_argument("--no-merge", action="store_true",
                     help="do not merge places that share a point or building")
    clu.add_argument("--merge-tol-m", type=float, default=10.0, metavar="M",
                     help="places closer than this are merged first (default 10)")
    clu.add_argument("--curves", type=Path, metavar="FILE.csv",
                     help="also write the L(d) - d and density curves with envelopes")
    clu.set_defaults(run=_cmd_cluster)


def _add_coverage_parser(sub: Any) -> None:
    cov = sub.add_parser("coverage", help="published figures vs the dataset's counts",
                         description="Write the published figures of a hub beside the "
                                     "dataset's counts (CSV), or with --markdown the coverage "
                                     "tables of geodata/README.md.")
    cov.add_argument("--centre", "--center", metavar="ID", default="dongsheng-building",
                     help="the hub's centre id (default dongsheng-building)")
    cov.add_argument("--markdown", action="store_true",
                     help="write the markdown tables of geodata/README.md (every hub)")
    cov.add_argument("--lang", choices=lang_choices(), default="en",
                     help="language of the figure names (default en)")
    cov.add_argument("--output", "-o", type=Path, metavar="FILE",
                     help="write here instead of standard output")
    cov.set_defaults(run=_cmd_coverage)


def _compare_centres(args: argparse.Namespace, hubs: pd.DataFrame) -> list[Centre]:
    from origin_map.errors import SettingsError
    from origin_map.measure.compare import hub_centres
    from origin_map.places.datasets import load_centres, resolve_centre

    centres = load_centres()
    if args.centres:
        ids = [t.strip() for t in args.centres.split(",") if t.strip()]
        return [resolve_centre(i, centres) for i in dict.fromkeys(ids)]
    found = hub_centres(hubs, centres)
    for h in hubs.itertuples(index=False):
        if found[h.id] is None:
            print(f"origin-map: hub {h.id}: centre {h.centre_id} not in centres.csv; left out",
                  file=sys.stderr)
    chosen = [c for c in found.values() if c is not None]
    if not chosen:
        raise SettingsError("No hub has its centre in centres.csv; add the centres, or "
                            "choose centres with --centres ID,ID.")
    return list({c.id: c for c in chosen}.values())


def _cmd_compare(args: argparse.Namespace) -> int:
    from origin_map.geo.geometry import Rings
    from origin_map.measure.compare import (
        compare_density,
        compare_figures,
        load_hubs,
        sector_composition,
    )
    from origin_map.places.datasets import load_centres

    hubs = load_hubs(args.hubs)
    centres = _compare_centres(args, hubs)
    radii = Rings.parse(args.radius_m, args.rings or "")
    places = memory_places(args, None)
    if places is None:
        return EXIT_DATA
    flt = place_filter(args)
    write_csv(compare_density(places, centres, radii, place_filter=flt), args.output, "density")
    if args.figures:
        chosen = {c.id for c in centres}
        picked = hubs[hubs["centre_id"].isin(chosen)] if args.centres else hubs
        write_csv(compare_figures(places, picked, load_centres(), place_filter=flt,
                               lang=args.lang), args.figures, "figure")
    if args.composition:
        write_csv(sector_composition(places, centres, args.radius_m, place_filter=flt,
                                  lang=args.lang), args.composition, "composition")
    return EXIT_OK


def _cmd_cluster(args: argparse.Namespace) -> int:
    from origin_map.measure.cluster import cluster_report
    from origin_map.places.datasets import resolve_centre
    centre = resolve_centre(args.centre)
    places = memory_places(args, centre)
    if places is None:
        return EXIT_DATA
    report = cluster_report(
        places, centre, radius_m=args.radius_m, place_filter=place_filter(args),
        merge=not args.no_merge, merge_tol_m=args.merge_tol_m, n_sim=args.n_sim,
        seed=args.seed, edge_correction=args.edge_correction,
        distances_m=_split(args.distances) if args.distances else None)
    write_csv(report.table, args.output, "statistic")
    if args.curves:
        write_csv(report.curves, args.curves, "curve")
    return EXIT_OK


def _split(text: str) -> list[Any]:
    return [t for t in re.split(r"[,;\s]+", text) if t]


def _cmd_coverage(args: argparse.Namespace) -> int:
    from origin_map.measure.compare import load_hubs
    from origin_map.measure.coverage import coverage_markdown, coverage_table
    from origin_map.places.datasets import load_centres, shipped_places

    places, hubs, centres = shipped_places(geometry=False), load_hubs(), load_centres()
    if args.markdown:
        text = coverage_markdown(places, hubs, centres, centre_id=args.centre)
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return EXIT_OK
    table = coverage_table(places, hubs, centres, args.centre, lang=args.lang)
    if table is None:
        print(f"origin-map: error: no hub of geodata/hubs.csv has the centre {args.centre!r}",
              file=sys.stderr)
        return EXIT_DATA
    write_csv(table, args.output, "figure")
    from origin_map.measure.freshness import freshness_line
    print(freshness_line(table.attrs["freshness"], args.lang), file=sys.stderr)
    return EXIT_OK
