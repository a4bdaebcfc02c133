"""Soak: hundreds of visitors arriving and leaving; server memory, Origin Map vs the minimal page.

Usage::

    .venv/bin/python benchmarks/soak.py        # 300 visitors (map), 100 (heavy): ≈ 15 min
    .venv/bin/python benchmarks/soak.py --visitors 100 --passes map

Two fresh servers on free loopback ports with the same settings (both run from the repository's
root, so ``.streamlit/config.toml`` applies to both; both with the environment ``origin-map app``
gives its server, ``MALLOC_ARENA_MAX=2``; both with ``--server.disconnectedSessionTTL`` =
``--ttl-s``, so that a visitor who left is forgotten within the soak instead of after Streamlit's
default 120 s): Origin Map (``origin_map.app.launch``, as ``origin-map app``, with a dataset store
of its own in a temporary folder) and ``benchmarks/minimal_app.py``. Visitors speak Streamlit's
websocket protocol (:mod:`st_client`), ``--wave`` at a time; waves alternate between the servers.

Passes (``--passes``):

* ``map``: a visitor opens ``/map`` (shipped data), makes ``--reruns`` reruns changing the radius,
  and leaves;
* ``heavy``: a visitor opens the Data page and uploads a places file of its own (Streamlit's
  upload protocol: :meth:`st_client.Visitor.upload`; 200 SYNTHETIC places around Wudaokou, a
  different file per visitor, :func:`places_csv`), presses "Validate and load" (the list is
  saved in the store and its id put in the link), goes to the Overview page in the same session
  with that link and an area of its own (a polygon no other visitor has: new cache keys), checks
  that the Overview counts its 200 places, reruns with another radius, asks for the one-page PDF
  report ("Make the PDF report"), downloads it (``GET`` the media URL), and leaves. The minimal
  page's visitors do what the minimal page offers (open, reruns, leave).

For each pass and server: ``--warmup`` visitors first (not counted), the RSS once they are
forgotten (idle), then the RSS (server process tree, psutil) right after every wave; the growth
per visitor is the least-squares slope over the waves (not over the idle point: it lacks the
last wave's sessions, which are kept ``--ttl-s`` after they leave, and so put a step of a few MB
at the start of every slope). When the last visitors have left, the soak waits ``--ttl-s`` +
``--settle-s`` and reads the RSS again: "returns" compares it with the idle level after
warm-up, and divided by the visitors it is what each visitor left behind. Target: growth per
visitor ≤ 1.5 × the minimal page's + 5 kB. Writes ``results/soak-latest.md``.

Figures, heavy pass with uploads (2026-12-07, ``--warmup 20 --heavy-visitors 80 --wave 10
--reruns 1``, load average 4.0 → 3.5; ``results/soak-heavy-upload.md``): Origin Map +155.7 kB per
visitor vs +10.4 kB for the minimal page in the same run (limit 20.6 kB: not met), +20.5 MB after
the visitors left; the RSS stayed at 318–321 MB from visitor 10 to 70 (+20.5 kB per visitor over
those waves) and rose 15 MB in the last wave. Before the uploads' results had caches of their own
(``origin_map.app.caching``), each upload added ≈ 330 kB to the token-keyed caches until 64.
With ``MALLOC_MMAP_THRESHOLD_=131072`` in the environment (both servers; one run, load average
2.0 → 4.1): −15.3 kB vs +1.8 kB per visitor (limit 7.7 kB: met), −4.1 MB after leaving.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from loadgen import ServerProbe, check_loopback, next_value
from st_client import Visitor

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import serve  # noqa: E402 - scripts/serve.py: free ports, health, stopping

MAX_VISITORS = 2000
PLACES_PER_FILE = 200
VALUES = (500.0, 800.0, 1000.0, 1500.0, 2000.0)


def area_link(i: int) -> str:
    """Return the link text of a small polygon near Wudaokou that only visitor ``i`` uses."""
    from origin_map.measure.area_links import area_to_text
    from origin_map.measure.areas import area_from_geojson_dict

    rng = np.random.default_rng(i)
    lat, lon = 39.992446 + rng.uniform(-0.004, 0.004), 116.327708 + rng.uniform(-0.004, 0.004)
    d = 0.002 + rng.uniform(0, 0.002)
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d],
            [lon - d, lat - d]]
    area = area_from_geojson_dict({"type": "Polygon", "coordinates": [ring]},
                                  name=f"soak area {i}")
    return area_to_text(area)[0]


def places_csv(i: int, n: int = PLACES_PER_FILE) -> bytes:
    """Return visitor ``i``'s places file: ``n`` SYNTHETIC places (no real firm) around Wudaokou.

    Uniform within about 1 km of 39.9925 N, 116.3380 E; sectors and kinds from the
    vocabularies; a different file (content and size) for every visitor.
    """
    from origin_map.places import vocab

    rng = np.random.default_rng(i)
    lat = 39.9925 + rng.uniform(-0.009, 0.009, n)
    lon = 116.3380 + rng.uniform(-0.011, 0.011, n)
    sectors = rng.choice(list(vocab.SECTOR_IDS), n)
    kinds = rng.choice(list(vocab.KINDS), n)
    rows = [f"soak{i}-{k},SYNTHETIC place {i}-{k},{sectors[k]},{kinds[k]},{lat[k]:.6f},"
            f"{lon[k]:.6f}" for k in range(n)]
    return ("id,name,sector,kind,lat,lon\n" + "\n".join(rows) + "\n").encode()


async def _upload_places(v: Visitor, i: int) -> str | None:
    """On the Data page: pick visitor ``i``'s places file, load it; an error text or None."""
    out = await v.upload("om_upload", f"soak-{i}.csv", places_csv(i), timeout_s=120)
    if not out.error:
        out = await v.click("om_up_load")
    loaded = f"{PLACES_PER_FILE} places loaded"
    if out.error or not any(loaded in a for a in v.alerts):
        return out.error or f"the upload was not loaded: {v.alerts[:2]}"
    return None


async def _heavy(v: Visitor, i: int, reruns: int) -> str | None:
    """Upload, then the Overview with an area of the visitor's own, reruns, the PDF."""
    error = await _upload_places(v, i)
    if error:
        return error
    query = urllib.parse.parse_qsl(v.query_string)  # the settings and ?data=ID of the upload
    out = await v.goto("overview", urllib.parse.urlencode([*query, ("area", area_link(i))]),
                       timeout_s=120)
    if out.error or not any(f"soak\\-{i}\\.csv · {PLACES_PER_FILE} places" in m
                            for m in v.markdown):
        return out.error or "the Overview does not show the uploaded places"
    for k in range(reruns):
        out = await v.rerun(next_value(VALUES, v.widget_value, i + k), timeout_s=120)
        if out.error:
            return out.error
    out = await v.click("om_rep_pdf")
    if out.error or "om_rep_pdf_dl" not in v.urls:
        return out.error or "no PDF download button after making the report"
    if await asyncio.to_thread(v.download, "om_rep_pdf_dl") < 1000:
        return "the PDF download is too small"
    return None


async def _visit(url: str, i: int, heavy: bool, reruns: int) -> str | None:
    """One visitor's whole stay; return an error text or None."""
    v = Visitor(url)
    try:
        out = await v.open(timeout_s=120)
        if out.error:
            return out.error
        if heavy:
            return await _heavy(v, i, reruns)
        for k in range(reruns):
            out = await v.rerun(next_value(VALUES, v.widget_value, i + k), timeout_s=120)
            if out.error:
                return out.error
        return None
    except Exception as exc:  # a failed visitor is counted, the soak goes on
        return f"{type(exc).__name__}: {exc}"[:200]
    finally:
        await v.close()


async def wave(url: str, first: int, n: int, heavy: bool, reruns: int) -> list[str]:
    """Serve ``n`` visitors at once (numbered from ``first``); return their errors."""
    errors = await asyncio.gather(*(_visit(url, first + j, heavy, reruns) for j in range(n)))
    return [e for e in errors if e]


class Soaked:
    """A fresh server under soak: its process, probe and RSS points."""

    def __init__(self, name: str, ttl_s: int) -> None:
        self.name = name
        self.port = serve.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        app = name == "origin_map"
        run = ([sys.executable, "-m", "origin_map.app.launch"] if app else
               [sys.executable, "-m", "streamlit", "run",
                str(ROOT / "benchmarks" / "minimal_app.py")])
        self.store = tempfile.TemporaryDirectory(prefix="soak-store-",
                                                 ignore_cleanup_errors=True)  # the uploads' store
        env = {**serve.server_env(), "PYTHONUNBUFFERED": "1",  # as `origin-map app` sets it
               "ORIGIN_MAP_DATA_DIR": self.store.name,
               "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "src"),
                                                         os.environ.get("PYTHONPATH")) if p)}
        self.proc = subprocess.Popen(
            [*run, "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.port", str(self.port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--server.disconnectedSessionTTL", str(ttl_s)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        try:
            serve.wait_healthy(self.base, [self.proc])
        except BaseException:  # e.g. SIGTERM while it starts: no orphan server
            self.close()
            raise
        self.probe = ServerProbe([self.proc.pid])

    def url(self, heavy: bool, i: int) -> str:
        """Return the page a visitor opens."""
        if self.name != "origin_map":
            return self.base + "/"
        return self.base + ("/data" if heavy else "/map")

    def heavy(self, heavy: bool) -> bool:
        """Whether this server's visitors make a report (the minimal page has none)."""
        return heavy and self.name == "origin_map"

    def close(self) -> None:
        """Stop the server, remove its store."""
        serve.stop(self.proc)
        self.store.cleanup()


def slope_kb(points: Sequence[tuple[int, float]]) -> float:
    """Return the least-squares growth of RSS (MB) per visitor, in kB."""
    if len(points) < 2:
        return float("nan")
    x, y = np.array([p[0] for p in points], float), np.array([p[1] for p in points], float)
    return float(np.polyfit(x, y, 1)[0] * 1024)


def soak_pass(servers: list[Soaked], heavy: bool, ns: argparse.Namespace
              ) -> dict[str, dict[str, Any]]:
    """Run one pass on every server, waves alternating; return the figures by server."""
    out: dict[str, dict[str, Any]] = {}
    for s in servers:  # warm-up, not counted
        for start in range(0, ns.warmup, ns.wave):
            asyncio.run(wave(s.url(heavy, 10_000 + start), 10_000 + start,
                             min(ns.wave, ns.warmup - start), s.heavy(heavy), ns.reruns))
    time.sleep(ns.ttl_s + ns.settle_s)  # the warm-up visitors are forgotten
    for s in servers:
        out[s.name] = {"points": [(0, s.probe.rss_mb())], "errors": [], "cpu0": s.probe.cpu_s()}
    total = ns.heavy_visitors if heavy else ns.visitors
    for start in range(0, total, ns.wave):
        n = min(ns.wave, total - start)
        for s in servers:
            errs = asyncio.run(wave(s.url(heavy, start), start, n, s.heavy(heavy), ns.reruns))
            out[s.name]["errors"] += errs
            out[s.name]["points"].append((start + n, s.probe.rss_mb()))
        print(f"{'heavy' if heavy else 'map'}: {start + n} visitors: " + ", ".join(
            f"{s.name} {out[s.name]['points'][-1][1]:.1f} MB" for s in servers), flush=True)
    time.sleep(ns.ttl_s + ns.settle_s)  # every visitor has left and is forgotten
    for s in servers:
        f = out[s.name]
        f["after_leave_mb"] = s.probe.rss_mb()
        f["cpu_ms"] = (s.probe.cpu_s() - f.pop("cpu0")) / max(total, 1) * 1000
        waves = f["points"][1:]  # measured alike: right after a wave (point 0 is idle)
        f["growth_kb"] = slope_kb(waves)
        f["late_growth_kb"] = slope_kb(waves[len(waves) // 2:])
        f["left_kb"] = (f["after_leave_mb"] - f["points"][0][1]) / max(total, 1) * 1024
        f["plateau_mb"] = f["points"][0][1]
        f["peak_mb"] = max(p[1] for p in f["points"])
    return out


def report(results: dict[str, dict[str, dict[str, Any]]], ns: argparse.Namespace,
           load: tuple[float, float], elapsed_s: float) -> str:
    """Return the markdown report."""
    lines = [f"# Soak ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)", "",
             f"{ns.visitors} visitors (map pass) and {ns.heavy_visitors} (heavy pass) after "
             f"{ns.warmup} warm-up visitors, {ns.wave} at "
             f"a time, {ns.reruns} reruns each; disconnected sessions kept {ns.ttl_s} s; load "
             f"average {load[0]:.1f} → {load[1]:.1f} (2 cores); {elapsed_s / 60:.1f} min.", "",
             "| pass | server | RSS after warm-up | peak | after the visitors left | growth per "
             "visitor (slope over the waves) | same, second half | left behind per visitor "
             "(after leaving − after warm-up) | server CPU per visitor | failures |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for p, by in results.items():
        for name, f in by.items():
            lines.append(f"| {p} | {name} | {f['plateau_mb']:.1f} MB | {f['peak_mb']:.1f} MB | "
                         f"{f['after_leave_mb']:.1f} MB | {f['growth_kb']:+.1f} kB | "
                         f"{f['late_growth_kb']:+.1f} kB | {f['left_kb']:+.1f} kB | "
                         f"{f.get('cpu_ms', float('nan')):.0f} ms | {len(f['errors'])} |")
    lines.append("")
    for p, by in results.items():
        ours, minimal = by["origin_map"]["growth_kb"], by["minimal"]["growth_kb"]
        limit = 1.5 * max(minimal, 0.0) + 5
        back = by["origin_map"]["after_leave_mb"] - by["origin_map"]["plateau_mb"]
        left, left_min = by["origin_map"]["left_kb"], by["minimal"]["left_kb"]
        left_limit = 1.5 * max(left_min, 0.0) + 5
        lines.append(f"**{p}: growth per visitor {ours:+.1f} kB vs minimal {minimal:+.1f} kB; "
                     f"target ≤ 1.5 × minimal + 5 kB = {limit:.1f} kB: "
                     f"{'met' if ours <= limit else 'NOT met'}; after the visitors left, "
                     f"{back:+.1f} MB from the level after warm-up, i.e. {left:+.1f} kB left "
                     f"behind per visitor vs minimal {left_min:+.1f} kB (same limit: "
                     f"{left_limit:.1f} kB: {'met' if left <= left_limit else 'NOT met'}).**  ")
        for name, f in by.items():
            for e in sorted(set(f["errors"]))[:3]:
                lines.append(f"  failure ({name}): {e}")
    lines += ["", "RSS after each wave (visitors: MB):", ""]
    for p, by in results.items():
        for name, f in by.items():
            lines.append(f"- {p}, {name}: " + ", ".join(f"{v}: {mb:.1f}" for v, mb in f["points"]))
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the passes, print and write the report; exit 1 on failures or a missed target."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--visitors", type=int, default=300, help="map pass, after warm-up")
    ap.add_argument("--heavy-visitors", type=int, default=100,
                    help="heavy pass, after warm-up (each makes a PDF: slower)")
    ap.add_argument("--warmup", type=int, default=60)
    ap.add_argument("--wave", type=int, default=10, help="visitors at a time")
    ap.add_argument("--reruns", type=int, default=3)
    ap.add_argument("--passes", default="map,heavy")
    ap.add_argument("--ttl-s", type=int, default=5)
    ap.add_argument("--settle-s", type=float, default=5.0)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ns = ap.parse_args(argv)
    if not (1 <= ns.visitors <= MAX_VISITORS and 1 <= ns.heavy_visitors <= MAX_VISITORS
            and 0 <= ns.warmup <= MAX_VISITORS
            and 1 <= ns.wave <= 50 and 0 <= ns.reruns <= 20):
        ap.error(f"--visitors 1–{MAX_VISITORS}, --wave 1–50, --reruns 0–20")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers
    load0, t0 = os.getloadavg()[0], time.perf_counter()
    results: dict[str, dict[str, dict[str, Any]]] = {}
    for p in [p.strip() for p in ns.passes.split(",") if p.strip()]:
        servers: list[Soaked] = []
        try:  # fresh servers per pass, so that one pass's caches do not count in the next
            servers = [Soaked("origin_map", ns.ttl_s), Soaked("minimal", ns.ttl_s)]
            for s in servers:
                check_loopback(s.base)
            results[p] = soak_pass(servers, p == "heavy", ns)
        finally:
            for s in servers:
                try:
                    s.close()
                except Exception as exc:  # the other server is stopped whatever happens here
                    print(f"soak: stopping the {s.name} server: {exc!r}", file=sys.stderr)
    text = report(results, ns, (load0, os.getloadavg()[0]), time.perf_counter() - t0)
    print(text)
    ns.out.mkdir(parents=True, exist_ok=True)
    (ns.out / "soak-latest.md").write_text(text, encoding="utf-8")
    failed = any(f["errors"] for by in results.values() for f in by.values())
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
