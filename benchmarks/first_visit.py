"""First visit: the Map page's map drawn, against a bare Streamlit page, in a real browser.

Usage::

    .venv/bin/python benchmarks/first_visit.py              # 9 pairs (≈ 2 min)
    .venv/bin/python benchmarks/first_visit.py --pairs 15 --out /tmp/fv

Two warm servers on free loopback ports, with the same settings: Origin Map started as the README
says (``origin-map app --port P``: caches warmed before it listens) and ``benchmarks/bare_app.py``
(a sidebar and a line of text) with the same ``streamlit run`` flags, both from the repository's
root (so ``.streamlit/config.toml`` applies). One Chromium (Debian's, headless, ``--no-sandbox``;
every host but 127.0.0.1 unresolvable, so nothing can come from the internet), a NEW browser
context (empty cache, no cookies) for every visit. After one visit of each page that is not
counted, ``--pairs`` pairs of visits alternate (bare first, then the Map page first, ...), so that
other work on the machine hits both alike.

A script injected into every frame before the page's own scripts records, on the page's clock
(epoch ms): the websocket's first message and each ``script_finished`` (read from Streamlit's
protobuf frames), the sidebar's first content, the first text of the main area, the map's iframe,
and inside that iframe when Leaflet is defined, when the map exists (``window.originMap``: the map
HTML and script ran) and when its place markers are on the map. Resource Timing gives every file
each frame fetched (bytes, start, end). Times are seconds from the navigation start.

Beside the clock, figures that the machine's load does not stretch: the CPU time of the page's
main thread until drawn (Chromium's ``Performance.getMetrics``, thread time, read as soon as the
page is drawn; the map's iframe is same-origin, so its work is on that thread too), the
server's CPU time per visit (its process tree, psutil), and the files and bytes the page had
requested before it was drawn.

Prints, for each page, the median of every mark, the ratio "map drawn / bare text shown" (of the
medians, and the median of the per-pair ratios), the files the map's iframe loads, and writes
``results/first-visit-latest.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import ServerProbe

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("ORIGIN_MAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
FLAGS = ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
MAX_PAIRS = 50

INIT_JS = r"""
(() => {
  // once per document (a frame's Window outlives its first about:blank document)
  if (document.__omInit) return;
  document.__omInit = true;
  const now = () => performance.timeOrigin + performance.now();
  const marks = window.__omMarks = {runs: 0};
  const mark = (k) => { if (!(k in marks)) marks[k] = now(); };
  mark('page_start');
  function finished(buf) {  // ForwardMsg field 6 (script_finished: 0 ok, 2 early, 3 fragment)
    const b = new Uint8Array(buf); let i = 0;
    const varint = () => { let r = 0, s = 0, x;
      do { x = b[i++]; r += (x & 0x7f) * 2 ** s; s += 7; } while ((x & 0x80) && i < b.length);
      return r; };
    while (i < b.length) {
      const key = varint(), f = Math.floor(key / 8), w = key % 8;
      if (w === 0) { const v = varint(); if (f === 6) return v; }
      else if (w === 2) { const n = varint(); i += n; }
      else if (w === 1) { i += 8; } else if (w === 5) { i += 4; } else { return -1; }
    }
    return -1;
  }
  function onData(data) {
    mark('first_msg');
    const v = finished(data);
    if (v === 0 || v === 3) { mark('script_done'); marks.script_done_last = now(); marks.runs++; }
    if (v >= 0) (marks.finishes = marks.finishes || []).push([v, now()]);
  }
  {
    const WS = window.WebSocket;
    const Wrapped = function (...args) {
      const ws = new WS(...args);
      ws.addEventListener('open', () => mark('ws_open'));
      ws.addEventListener('message', (e) => {
        if (e.data instanceof ArrayBuffer) onData(e.data);
        else if (e.data && e.data.arrayBuffer) e.data.arrayBuffer().then(onData);
      });
      return ws;
    };
    Wrapped.prototype = WS.prototype;
    for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Wrapped[k] = WS[k];
    window.WebSocket = Wrapped;
  }
  const q = (s) => document.querySelector(s);
  let doc = null;  // the map iframe's document (same origin): a new one restarts the marks
  const check = () => {
    if (document.body) {
      if (q('[data-testid="stSidebarUserContent"] [data-testid="stMarkdownContainer"], '
            + '[data-testid="stSidebarUserContent"] input')) mark('sidebar');
      if (q('[data-testid="stMain"] [data-testid="stMarkdownContainer"] p, '
            + '[data-testid="stMain"] [data-testid="stHeading"]')) mark('text');
      const el = q('iframe[title="streamlit_folium.st_folium"]');
      if (el) mark('iframe');
      const w = el && el.contentWindow;
      if (w && w.location.pathname.includes('/component/')) {
        if (w.document !== doc) {
          doc = w.document;
          marks.frames = (marks.frames || 0) + 1;
          (marks.frame_docs = marks.frame_docs || []).push(now());
          for (const k of ['frame_start', 'leaflet', 'map_html', 'markers']) delete marks[k];
          marks.frame_start = w.performance.timeOrigin;
        }
        const L = w.L;
        if (L) mark('leaflet');
        const m = w.originMap;
        if (m && L && !('markers' in marks)) {
          mark('map_html');
          let n = 0;
          m.eachLayer((l) => {
            if ((l instanceof L.CircleMarker && !(l instanceof L.Circle))
                || (L.MarkerClusterGroup && l instanceof L.MarkerClusterGroup)) n++;
          });
          if (n > 0) { mark('markers'); marks.n_markers = n; }
        }
      }
    }
    setTimeout(check, 10);
  };
  // timers, not requestAnimationFrame: Chromium does not animate a 0-px-high iframe, and
  // streamlit-folium sizes its iframe only once the map is drawn
  setTimeout(check, 0);
})();
"""

RESOURCES_JS = """() => performance.getEntriesByType('resource').map(e => ({
  name: e.name, type: e.initiatorType, start: performance.timeOrigin + e.startTime,
  end: performance.timeOrigin + e.responseEnd, transfer: e.transferSize,
  encoded: e.encodedBodySize, body: e.decodedBodySize}))"""
NAV_JS = """() => { const n = performance.getEntriesByType('navigation')[0];
  return {origin: performance.timeOrigin, response: performance.timeOrigin + n.responseEnd,
          dcl: performance.timeOrigin + n.domContentLoadedEventEnd,
          load: performance.timeOrigin + n.loadEventEnd}; }"""

TOP_MARKS = ("response", "dcl", "ws_open", "first_msg", "script_done", "sidebar", "text",
             "iframe", "load", "script_done_last", "frame_start", "leaflet", "map_html",
             "markers")


def free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A warm server in its own process group: Origin Map (``origin-map app``) or the bare page."""

    def __init__(self, kind: str, root: Path = ROOT) -> None:
        self.kind = kind
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        if kind in ("map", "before"):
            cmd = [sys.executable, "-m", "origin_map.cli", "app", "--port", str(self.port)]
            self.url = self.base + "/map"
        else:
            cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "benchmarks" /
                   "bare_app.py"), "--server.address", "127.0.0.1", "--server.port",
                   str(self.port), *FLAGS]
            self.url = self.base + "/"
        env = {**os.environ, "PYTHONUNBUFFERED": "1",
               "PYTHONPATH": os.pathsep.join(p for p in (str(root / "src"),
                                                         os.environ.get("PYTHONPATH")) if p)}
        self.proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
            if self.proc.poll() is not None:
                break
        self.close()
        raise RuntimeError(f"the {kind} server did not answer /_stcore/health")

    def cpu_s(self) -> float:
        """Return the CPU seconds (user + system) used so far by the server's process tree."""
        try:
            return ServerProbe([self.proc.pid]).cpu_s()
        except psutil.Error:
            return float("nan")

    def close(self) -> None:
        """Stop the server's process group (started by this object, and only it)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _component_frames(page: Any) -> list[Any]:
    return [f for f in page.frames if "/component/" in f.url and not f.is_detached()]


def visit(browser: Any, server: Server, timeout_s: float = 120.0,
          network: dict[str, Any] | None = None) -> dict[str, Any]:
    """Open ``server``'s page in a new browser context; return its marks and resources.

    ``network``: the arguments of CDP's ``Network.emulateNetworkConditions`` (a visitor away
    from the server: latency, bandwidth); None for loopback as it is.
    """
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        ctx.add_init_script(INIT_JS)
        page = ctx.new_page()
        cdp = ctx.new_cdp_session(page)
        cdp.send("Performance.enable", {"timeDomain": "threadTicks"})  # CPU time, not wall
        if network:
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", network)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        cpu0 = server.cpu_s()
        page.goto(server.url, wait_until="commit")
        deadline = time.monotonic() + timeout_s
        top: dict[str, Any] = {}
        while time.monotonic() < deadline:
            try:
                top = page.evaluate("() => window.__omMarks || {}")
                if ("text" if server.kind == "bare" else "markers") in top:
                    break
            except Exception:  # a frame navigated while we asked it: ask again
                pass
            page.wait_for_timeout(50)
        else:
            raise RuntimeError(f"{server.url}: not drawn within {timeout_s:g} s "
                               f"(marks {top}, errors {errors})")
        cpu = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        server_cpu = server.cpu_s() - cpu0
        page.wait_for_timeout(300)  # let the last runs and files finish, for the file list
        top = page.evaluate("() => window.__omMarks")
        nav = page.evaluate(NAV_JS)
        res = {"top": page.evaluate(RESOURCES_JS), "component": []}
        for f in _component_frames(page):
            res["component"] += f.evaluate(RESOURCES_JS)
        origin = nav["origin"]
        marks = {k: (v - origin) / 1000 for k, v in {**nav, **top}.items()
                 if k in TOP_MARKS and isinstance(v, float | int)}
        marks["drawn"] = marks["text"] if server.kind == "bare" else marks["markers"]
        marks["cpu_page"] = cpu.get("TaskDuration", float("nan"))
        marks["cpu_script"] = cpu.get("ScriptDuration", float("nan"))
        marks["cpu_server"] = server_cpu
        return {"marks": marks, "runs": top.get("runs", 0), "errors": errors,
                "resources": res, "origin": origin, "base": server.base}
    finally:
        ctx.close()


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def summarise_resources(visit_: dict[str, Any]) -> dict[str, Any]:
    """Count and size the files a visit fetched, the component's scripts, and duplicates."""
    base, origin = visit_["base"], visit_["origin"]
    top, comp = visit_["resources"]["top"], visit_["resources"]["component"]
    names = [r["name"] for r in top + comp]
    remote = [n for n in names if not n.startswith((base, "data:", "blob:"))]
    vendor = [r for r in comp if "/app/static/" in r["name"]]
    dup = sorted({n for n in names if names.count(n) > 1 and "/_stcore/" not in n})
    span = ((min(r["start"] for r in vendor) - origin) / 1000,
            (max(r["end"] for r in vendor) - origin) / 1000) if vendor else (0.0, 0.0)
    drawn = origin + 1000 * visit_["marks"]["drawn"]
    early = [r for r in top + comp if r["start"] <= drawn]
    return {"files": len(names), "bytes": sum(r["transfer"] for r in top + comp),
            "files_before": len(early), "bytes_before": sum(r["transfer"] for r in early),
            "body_bytes": sum(r["body"] for r in top + comp),
            "vendor_files": len(vendor), "vendor_bytes": sum(r["transfer"] for r in vendor),
            "vendor_body_bytes": sum(r["body"] for r in vendor),
            "vendor_span_s": span, "duplicates": dup, "remote": remote}


ORDER = ("response", "dcl", "ws_open", "first_msg", "script_done", "sidebar", "text", "iframe",
         "frame_start", "leaflet", "map_html", "markers", "script_done_last", "drawn",
         "cpu_page", "cpu_script", "cpu_server")
LABELS = {"response": "HTML received", "dcl": "DOMContentLoaded", "ws_open": "websocket open",
          "first_msg": "first message from the script", "script_done": "page script done (1st run)",
          "sidebar": "sidebar content shown", "text": "main text shown",
          "iframe": "map iframe in the page (titled)", "frame_start": "map iframe document starts",
          "leaflet": "Leaflet defined in the iframe", "map_html": "map HTML + script ran",
          "markers": "place markers on the map", "script_done_last": "last script run done",
          "drawn": "DRAWN (map: markers; bare: text)",
          "cpu_page": "CPU s of the page's main thread until drawn (all tasks)",
          "cpu_script": "… of which JavaScript", "cpu_server": "server CPU s during the visit"}


def _ratios(results: dict[str, list[dict[str, Any]]], kind: str, mark: str = "drawn"
            ) -> tuple[float, float]:
    """Return (ratio of medians, median of per-round ratios) of ``kind``'s ``mark`` / bare's."""
    drawn = {k: [r["marks"][mark] for r in runs] for k, runs in results.items()}
    pair = [m / b for m, b in zip(drawn[kind], drawn["bare"], strict=True)]
    return _median(drawn[kind]) / _median(drawn["bare"]), _median(pair)


NAMES = {"bare": "bare page", "before": "Map page (before)", "map": "Map page"}


def report(results: dict[str, list[dict[str, Any]]], ns: argparse.Namespace,
           load: tuple[float, float]) -> str:
    """Return the markdown report of a run."""
    kinds = list(results)
    med = {k: {m: _median([r["marks"][m] for r in runs if m in r["marks"]]) for m in ORDER}
           for k, runs in results.items()}
    res = {k: [summarise_resources(r) for r in runs] for k, runs in results.items()}
    lines = [f"# First visit: Map page vs bare page ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)", "",
             f"{ns.pairs} alternating rounds ({', '.join(NAMES[k] for k in kinds)}), a new "
             f"browser context per visit, Chromium headless; load average {load[0]:.1f} → "
             f"{load[1]:.1f} (2 cores); commit {_commit()}"
             + (f"; 'before' = {ns.baseline_label}" if "before" in results else "")
             + (f"; every HTTP request {ns.latency_ms:g} ms later"
                + (f", {ns.mbps:g} Mbit/s" if ns.mbps > 0 else "")
                if getattr(ns, "latency_ms", 0) > 0 else "") + ".", "",
             "| mark (s from navigation start, median) | " + " | ".join(NAMES[k] for k in kinds)
             + " |", "|---" * (len(kinds) + 1) + "|"]
    for m in ORDER:
        vals = [med[k][m] for k in kinds]
        if any(v == v for v in vals):
            lines.append(f"| {LABELS[m]} | " + " | ".join(_fmt(v) for v in vals) + " |")
    last = {k: res[k][-1] for k in kinds}
    lines += [
        "| files requested before drawn (median) | " + " | ".join(
            f"{_median([r['files_before'] for r in res[k]]):g}" for k in kinds) + " |",
        "| bytes transferred before drawn (median) | " + " | ".join(
            f"{_median([r['bytes_before'] for r in res[k]]):,.0f}" for k in kinds) + " |",
        "| files fetched (last visit) | " + " | ".join(str(last[k]["files"]) for k in kinds)
        + " |",
        "| bytes transferred / decoded (last visit) | " + " | ".join(
            f"{last[k]['bytes']:,} / {last[k]['body_bytes']:,}" for k in kinds) + " |",
        "| map assets from /app/static: files, bytes transferred / decoded | " + " | ".join(
            f"{last[k]['vendor_files']}, {last[k]['vendor_bytes']:,} / "
            f"{last[k]['vendor_body_bytes']:,}" for k in kinds) + " |", ""]
    for k in kinds[1:]:
        ratio, pair = _ratios(results, k)
        lines.append(f"**{NAMES[k]}: drawn / bare text shown = {ratio:.2f}× (ratio of medians; "
                     f"median of per-round ratios {pair:.2f}×; target ≤ 1.5×: "
                     f"{'met' if ratio <= 1.5 else 'NOT met'}).**  ")
    for k in kinds[1:]:
        cpu, cpu_pair = _ratios(results, k, "cpu_page")
        lines.append(f"{NAMES[k]}: page CPU until drawn / bare = {cpu:.2f}× (ratio of medians; "
                     f"median of per-round ratios {cpu_pair:.2f}×).  ")
    lines += ["", "Per round (s): " + "; ".join(
        " / ".join(f"{results[k][i]['marks']['drawn']:.2f}" for k in kinds)
        for i in range(len(results["bare"]))) + f" ({' / '.join(kinds)})."]
    for k in kinds[1:]:
        dup = sorted({d for r in res[k] for d in r["duplicates"]})
        remote = sorted({d for r in res[k] for d in r["remote"]})
        lines.append(f"{NAMES[k]}: script runs per visit (median) "
                     f"{_median([r['runs'] for r in results[k]]):g}; page errors "
                     f"{sum(len(r['errors']) for r in results[k])}; fetched twice: "
                     f"{[d.rsplit('/', 1)[-1][:40] for d in dup] or 'none'}; fetched from "
                     f"outside the server: {len(remote)} (map tiles of the basemap: "
                     f"{sum('tile' in d for d in remote)}).")
    for k in kinds[1:]:
        lines += ["", f"Files of the map iframe, {NAMES[k]} (last visit; s from navigation "
                  "start; tiles left out):", "", "| file | start | end | bytes |",
                  "|---|---|---|---|"]
        lv = results[k][-1]
        for r in sorted(lv["resources"]["component"], key=lambda r: r["start"]):
            if r["name"].startswith(lv["base"]):
                lines.append(f"| {r['name'].replace(lv['base'], '')[:90]} | "
                             f"{(r['start'] - lv['origin']) / 1000:.2f} | "
                             f"{(r['end'] - lv['origin']) / 1000:.2f} | {r['transfer']:,} |")
    return "\n".join(lines) + "\n"


def _fmt(v: float) -> str:
    return "—" if v != v else f"{v:.2f}"


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def _baseline(rev: str, tmp: Path) -> Path:
    """Export commit ``rev`` of this repository into ``tmp`` (``git archive``: no worktree)."""
    data = subprocess.run(["git", "archive", "--format=tar", rev], cwd=ROOT,
                          capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=data, check=True)
    return tmp


def main(argv: Sequence[str] | None = None) -> int:
    """Start the servers and the browser, visit in alternating rounds, print and write."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=9, help="rounds (one visit of each page)")
    ap.add_argument("--baseline", metavar="REV",
                    help="also serve the Map page of this commit (git archive), as 'before'")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--latency-ms", type=float, default=0,
                    help="a visitor away from the server: this round-trip latency added to "
                         "every HTTP request (Chromium's throttling; not the websocket)")
    ap.add_argument("--mbps", type=float, default=0,
                    help="with --latency-ms: download bandwidth in Mbit/s (0: unlimited)")
    ns = ap.parse_args(argv)
    network = None if ns.latency_ms <= 0 else {
        "offline": False, "latency": ns.latency_ms,
        "downloadThroughput": ns.mbps * 125_000 if ns.mbps > 0 else -1,
        "uploadThroughput": -1}
    ns.pairs = max(1, min(ns.pairs, MAX_PAIRS))
    from playwright.sync_api import sync_playwright

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers
    load0 = os.getloadavg()[0]
    servers: dict[str, Server] = {}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            servers["bare"] = Server("bare")
            if ns.baseline:
                ns.baseline_label = f"commit {ns.baseline}"
                servers["before"] = Server("before", _baseline(ns.baseline, Path(tmp)))
            servers["map"] = Server("map")
            results: dict[str, list[dict[str, Any]]] = {k: [] for k in servers}
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for kind in servers:  # one uncounted visit each
                    visit(browser, servers[kind], network=network)
                kinds = list(servers)
                for i in range(ns.pairs):
                    for kind in kinds[i % len(kinds):] + kinds[:i % len(kinds)]:
                        results[kind].append(visit(browser, servers[kind], network=network))
                    print(f"round {i + 1}: " + ", ".join(
                        f"{k} {results[k][-1]['marks']['drawn']:.2f} s" for k in kinds),
                        flush=True)
                browser.close()
        finally:
            for s in servers.values():
                s.close()
    text = report(results, ns, (load0, os.getloadavg()[0]))
    print(text)
    ns.out.mkdir(parents=True, exist_ok=True)
    name = "first-visit-latest" if ns.latency_ms <= 0 else "first-visit-latency"
    (ns.out / f"{name}.md").write_text(text, encoding="utf-8")
    (ns.out / f"{name}.json").write_text(json.dumps(
        {k: [{"marks": r["marks"], "runs": r["runs"]} for r in v] for k, v in results.items()},
        indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
