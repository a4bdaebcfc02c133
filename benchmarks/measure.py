"""Timing and memory helpers shared by the benchmark modules (medians; peak RSS per stage)."""

from __future__ import annotations

import gc
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


def reset_peak_rss() -> bool:
    """Reset this process's peak RSS (Linux ``/proc/self/clear_refs``); False if unsupported."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def peak_rss_mb() -> float:
    """Return this process's peak RSS in MB (VmHWM since the last reset, else ru_maxrss)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Timing:
    """Median seconds of ``runs`` calls, the last result and the peak RSS during them (MB)."""

    median_s: float
    runs: list[float]
    result: Any
    peak_rss_mb: float


def measure(fn: Callable[[], Any], repeat: int) -> Timing:
    """Call ``fn`` ``repeat`` times; return the median wall time and the stage's peak RSS.

    The peak is the process's resident high-water mark during these calls, so it includes the
    data the process already holds (the input of the stage).
    """
    gc.collect()
    reset_peak_rss()
    runs, result = [], None
    for _ in range(max(1, repeat)):
        result = None
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - t0)
    return Timing(statistics.median(runs), runs, result, peak_rss_mb())


@dataclass
class ProcTiming:
    """Median wall seconds of a command and its largest peak RSS (MB) over the runs."""

    median_s: float
    runs: list[float]
    peak_rss_mb: float
    returncode: int
    stderr: str
    cpu_runs: list[float] | None = None
    """CPU seconds (user + system, all threads) of each run."""


# A tiny launcher forks and execs the command and reports its wall time and peak RSS. Linux
# keeps the RSS high-water mark of the process that calls exec: a child forked (or vforked) from
# a big benchmark process would inherit that process's peak. Forked from this ~10 MB launcher,
# the command's ru_maxrss is its own (plus at most the launcher's size).
_LAUNCHER = """\
import os, sys, time
t = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
sys.stderr.write(f"\\n@@om {time.perf_counter() - t} {usage.ru_maxrss} "
                 f"{os.waitstatus_to_exitcode(status)} {usage.ru_utime + usage.ru_stime}\\n")
"""


def measure_process(cmd: Sequence[str], repeat: int, *, env: dict[str, str] | None = None,
                    cwd: str | None = None) -> ProcTiming:
    """Run ``cmd`` ``repeat`` times; wall time from fork to exit and peak RSS of each run."""
    runs, peaks, cpus, code, err = [], [], [], 0, ""
    for _ in range(max(1, repeat)):
        proc = subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, *cmd],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                              cwd=cwd, check=False)
        err = proc.stderr.decode(errors="replace")
        last = [line for line in err.splitlines() if line.startswith("@@om ")]
        if not last:
            raise RuntimeError(f"launcher failed for {list(cmd)}: {err[-2000:]}")
        seconds, maxrss_kb, rc, cpu = last[-1].split()[1:]
        runs.append(float(seconds))
        cpus.append(float(cpu))
        peaks.append(int(maxrss_kb) / 1024)
        code = code or int(rc)
        err = err[: err.rfind("@@om ")]
    return ProcTiming(statistics.median(runs), runs, max(peaks), code, err[-2000:], cpus)


def row(n_points: int, stage: str, *, ours_s: float | None = None,
        naive_s: float | None = None, floor_s: float | None = None,
        ours_bytes: int | None = None, naive_bytes: int | None = None,
        peak_rss_mb: float | None = None, naive_peak_rss_mb: float | None = None,
        note: str = "") -> dict[str, Any]:
    """Return one result row (the columns of ``latest.csv``)."""
    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    return {"n_points": n_points, "stage": stage, "ours_s": ours_s, "naive_s": naive_s,
            "floor_s": floor_s, "ours_over_naive": ratio(ours_s, naive_s),
            "ours_over_floor": ratio(ours_s, floor_s), "ours_bytes": ours_bytes,
            "naive_bytes": naive_bytes, "peak_rss_mb": peak_rss_mb,
            "naive_peak_rss_mb": naive_peak_rss_mb, "note": note}


COLUMNS = tuple(row(0, "").keys())
