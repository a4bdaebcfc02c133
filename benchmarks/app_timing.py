"""App timings: a warm rerun of the Map page (AppTest) and the cold start of the server.

* Warm rerun: the Map page on the shipped data, the sector filter switched between two values
  that have both been seen (so every cached step hits), timing ``AppTest.run()`` (script time
  plus AppTest's own overhead, so an upper bound). Run as ``python app_timing.py warm N``.
* Cold start: what ``make run`` starts (``streamlit run app.py --server.headless true``) on a
  free port, timed to ``/_stcore/health`` = 200 and then to ``GET /`` = 200 (the page served;
  its script runs when a browser connects).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from measure import measure_process, row

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"


def warm_rerun(repeat: int) -> dict[str, Any]:
    """Time warm reruns of the Map page (this process must be a fresh one)."""
    from streamlit.testing.v1 import AppTest

    from origin_map.places.vocab import SECTOR_IDS

    at = AppTest.from_file(str(APP), default_timeout=120).run()
    t0 = time.perf_counter()
    at.switch_page("pages/map.py").run()
    first = time.perf_counter() - t0
    sets = [list(SECTOR_IDS), [s for s in SECTOR_IDS if s != "public"]]
    for values in sets:  # warm every cache
        at.multiselect(key="om_sectors").set_value(values).run()
    runs = []
    for i in range(max(3, 2 * repeat)):
        at.multiselect(key="om_sectors").set_value(sets[i % 2])
        t0 = time.perf_counter()
        at.run()
        runs.append(time.perf_counter() - t0)
    if at.exception:
        raise RuntimeError(str(at.exception))
    return {"first_s": first, "median_s": statistics.median(runs), "runs": runs}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ok(url: str, deadline: float) -> bool:
    while time.perf_counter() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.02)
    return False


def cold_start(repeat: int) -> tuple[float, float]:
    """Return the median seconds from ``streamlit run`` to health 200 and to ``GET /`` 200."""
    health, page = [], []
    exe = str(Path(sys.executable).with_name("streamlit"))
    for _ in range(max(1, repeat)):
        port = _free_port()
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [exe, "run", str(APP), "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            if not _wait_ok(f"{base}/_stcore/health", t0 + 60):
                raise RuntimeError("streamlit did not answer /_stcore/health within 60 s")
            health.append(time.perf_counter() - t0)
            if not _wait_ok(f"{base}/", t0 + 60):
                raise RuntimeError("streamlit did not serve / within 60 s")
            page.append(time.perf_counter() - t0)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)  # the session started above, and only it
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    return statistics.median(health), statistics.median(page)


def run_app(repeat: int) -> list[dict[str, Any]]:
    """Measure the warm rerun (in a fresh process) and the cold start; return result rows."""
    proc = measure_process([sys.executable, __file__, "warm", str(repeat)], 1)
    rows = []
    out = Path(os.environ.get("OM_BENCH_TMP", "/tmp")) / "warm.json"
    if proc.returncode or not out.exists():
        raise RuntimeError(f"warm rerun failed: {proc.stderr}")
    warm = json.loads(out.read_text())
    rows.append(row(74, "map_page_warm_rerun", ours_s=warm["median_s"],
                    peak_rss_mb=proc.peak_rss_mb,
                    note=f"AppTest, shipped data, sector filter changed (cached); first Map "
                         f"run {warm['first_s']:.2f} s"))
    health_s, page_s = cold_start(repeat)
    rows.append(row(0, "app_cold_start", ours_s=page_s,
                    note=f"streamlit run app.py to GET / = 200 (health 200 after "
                         f"{health_s:.2f} s)"))
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "warm":
        result = warm_rerun(int(sys.argv[2]))
        Path(os.environ.get("OM_BENCH_TMP", "/tmp"), "warm.json").write_text(json.dumps(result))
