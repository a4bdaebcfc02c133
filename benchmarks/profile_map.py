"""Where a warm rerun of the Map page spends its time: cProfile inside a real server.

The Map page runs in a real ``streamlit run app.py`` (started by this script, on a free
loopback port) whose script thread is profiled run by run: ``ScriptRunner._run_script`` is
wrapped so that every script run writes its own cProfile file. One visitor
(:class:`st_client.Visitor`, the websocket protocol) loads ``/map``, warms the caches by cycling
twice through the radius values, then makes ``--reruns`` more reruns; the profiles of those
reruns are merged and the top functions printed by cumulative and by own time, with the server
CPU per rerun for scale (the rest is the event loop: websocket frames, message hashing).
The report is also written to ``results/profile-map-latest.txt``.

    python benchmarks/profile_map.py                 # 10 warm reruns, top 30
    python benchmarks/profile_map.py --reruns 20 --top 40 --out /tmp/map.prof
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import loadgen
from st_client import Visitor

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import serve  # noqa: E402


def serve_profiled(port: int, stats_dir: Path) -> None:
    """Run ``streamlit run app.py`` in this process, profiling every script run."""
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
    from streamlit.web import cli

    original = ScriptRunner._run_script
    counter = iter(range(1_000_000))

    def profiled(self: ScriptRunner, rerun_data: object) -> None:
        prof = cProfile.Profile()
        prof.enable()
        try:
            original(self, rerun_data)  # type: ignore[arg-type]
        finally:
            prof.disable()
            prof.dump_stats(str(stats_dir / f"run-{next(counter):06d}.prof"))

    ScriptRunner._run_script = profiled  # type: ignore[method-assign]
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
                "--server.address", "127.0.0.1", "--server.port", str(port),
                "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    cli.main()


async def drive(url: str, pid: int, stats_dir: Path, values: Sequence[float],
                reruns: int) -> tuple[list[Path], float, float]:
    """Warm up, then rerun; return the profiles of the measured reruns, CPU and wall per rerun."""
    v = Visitor(url)
    probe = loadgen.ServerProbe([pid])
    try:
        await v.open(timeout_s=120)
        for i in range(2 * len(values)):
            await v.rerun(loadgen.next_value(values, v.widget_value, i))
        await asyncio.sleep(0.5)
        before = set(stats_dir.glob("run-*.prof"))
        cpu0, t0 = probe.cpu_s(), time.perf_counter()
        for i in range(reruns):
            out = await v.rerun(loadgen.next_value(values, v.widget_value, i))
            if out.error:
                raise RuntimeError(out.error)
        wall, cpu = time.perf_counter() - t0, probe.cpu_s() - cpu0
        await asyncio.sleep(0.5)
    finally:
        await v.close()
    return sorted(set(stats_dir.glob("run-*.prof")) - before), cpu / reruns, wall / reruns


def report(files: Sequence[Path], *, top: int, cpu_s: float, wall_s: float) -> str:
    """Merge the profiles; return the top functions by cumulative and by own time."""
    stats = pstats.Stats(*map(str, files), stream=(buf := io.StringIO()))
    stats.strip_dirs()
    n = len(files)
    per_run = stats.total_tt / n  # type: ignore[attr-defined]
    buf.write(f"{n} warm reruns of /map: script thread {per_run:.3f} s per rerun (profiled); "
              f"server CPU {cpu_s:.3f} s and wall {wall_s:.3f} s per rerun (cProfile adds "
              "overhead: compare shares, not seconds)\n")
    buf.write("\n== by cumulative time (times are totals over all reruns) ==\n")
    stats.sort_stats("cumulative").print_stats(top)
    buf.write("\n== by own time ==\n")
    stats.sort_stats("tottime").print_stats(top)
    return "\n".join(line for line in buf.getvalue().splitlines()
                     if not line.rstrip().endswith(".prof")) + "\n"  # pstats' file list


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: profile warm Map reruns and print where the time goes."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reruns", type=int, default=10)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--values", default="500,800,1000,1500,2000")
    ap.add_argument("--out", type=Path, help="also write the merged profile (pstats file)")
    ap.add_argument("--text-out", type=Path,
                    default=ROOT / "benchmarks" / "results" / "profile-map-latest.txt",
                    help="where the printed report is written too")
    ap.add_argument("--serve", nargs=2, metavar=("PORT", "STATS_DIR"), help=argparse.SUPPRESS)
    ns = ap.parse_args(argv)
    if ns.serve:
        serve_profiled(int(ns.serve[0]), Path(ns.serve[1]))
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server
    values = [float(v) for v in ns.values.split(",")]
    port = serve.free_port()
    with tempfile.TemporaryDirectory(prefix="origin-map-profile-") as tmp:
        proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port), tmp],
                                cwd=ROOT, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ,
                                     "PYTHONPATH": str(ROOT / "src")})
        try:
            serve.wait_healthy(f"http://127.0.0.1:{port}", [proc])
            files, cpu, wall = asyncio.run(drive(f"http://127.0.0.1:{port}/map", proc.pid,
                                                 Path(tmp), values, ns.reruns))
        finally:
            serve.stop(proc)
        if not files:
            raise RuntimeError("no profile was written")
        text = report(files, top=ns.top, cpu_s=cpu, wall_s=wall)
        print(text)
        ns.text_out.parent.mkdir(parents=True, exist_ok=True)
        ns.text_out.write_text(text, encoding="utf-8")
        if ns.out:
            pstats.Stats(*map(str, files)).dump_stats(str(ns.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
