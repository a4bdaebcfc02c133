"""Clean stops: ``origin-map app`` and ``scripts/serve.py`` leave no process and no port behind.

A supervisor (systemd, a container runtime, a CI job, Ctrl-C) signals the parent only; every
process it started must be gone within 10 s and the port free, and the exit code says whether
a child failed.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.slow  # each test starts processes (the app's: 15-20 s)

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT / "scripts"))
import serve  # noqa: E402

PY = sys.executable
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONUNBUFFERED": "1"}
STOP_LIMIT_S = 10.0


def _port_free(port: int) -> bool:
    """Return whether a server could listen on ``port`` now (as a restarted one would)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is no owner
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _wait_health(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"exited early with {proc.returncode}"
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} not healthy within {timeout_s:.0f} s")


def _stop_and_check(proc: subprocess.Popen[bytes], sig: int, ports: list[int]) -> float:
    """Send ``sig`` to the parent only; check it and every descendant are gone, ports free."""
    children = psutil.Process(proc.pid).children(recursive=True)
    assert children, "the parent started no process"
    t0 = time.monotonic()
    os.kill(proc.pid, sig)
    try:
        proc.wait(STOP_LIMIT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"the parent did not exit within {STOP_LIMIT_S:g} s of {sig!r}")
    seconds = time.monotonic() - t0
    _, alive = psutil.wait_procs(children, timeout=max(0.1, STOP_LIMIT_S - seconds))
    for p in alive:  # clean up before failing
        p.kill()
    assert not alive, f"left running: {[p.pid for p in alive]}"
    assert all(_port_free(p) for p in ports), "a port is still taken"
    return seconds


# ---------------------------------------------------------------- the child runner (seconds)
RUNNER = """\
import sys
from origin_map.cli._supervise import run_child
sys.exit(run_child([sys.executable, "-c", sys.argv[1]], stop_timeout_s=float(sys.argv[2])))
"""


def _runner(tmp_path: Path, child_code: str, stop_timeout_s: float = 8.0
            ) -> subprocess.Popen[bytes]:
    """Run ``child_code`` under :func:`run_child`; return once the child has run its setup."""
    ready = tmp_path / "ready"
    code = f"{child_code}\nopen({str(ready)!r}, 'w').close()\nimport time\ntime.sleep(60)"
    proc = subprocess.Popen([PY, "-c", RUNNER, code, str(stop_timeout_s)], env=ENV,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ready.exists(), "the child did not start"
    return proc


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_stop_signal_to_the_parent_stops_the_child(sig, tmp_path) -> None:
    proc = _runner(tmp_path, "")
    _stop_and_check(proc, sig, [])
    # the child died of the forwarded signal (no handler): reported, non-zero
    assert proc.returncode == 128 + (signal.SIGTERM if sig == signal.SIGHUP else sig)


def test_a_child_that_stops_cleanly_gives_0(tmp_path) -> None:
    proc = _runner(tmp_path, "import signal, sys\n"
                             "signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))")
    _stop_and_check(proc, signal.SIGTERM, [])
    assert proc.returncode == 0


def test_a_child_that_ignores_the_signal_is_killed_and_reported(tmp_path) -> None:
    proc = _runner(tmp_path, "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)",
                   stop_timeout_s=1.0)
    seconds = _stop_and_check(proc, signal.SIGTERM, [])
    assert proc.returncode == 1 and 1.0 <= seconds < 5
    assert b"did not stop within 1 s; killing it" in proc.stderr.read()


def test_a_failing_child_gives_its_exit_code() -> None:
    proc = subprocess.run([PY, "-c", RUNNER, "import sys; sys.exit(3)", "8"], env=ENV,
                          capture_output=True, timeout=60, check=False)
    assert proc.returncode == 3 and b"the server exited with code 3" in proc.stderr


def test_the_child_dies_with_a_killed_parent(tmp_path) -> None:
    proc = _runner(tmp_path, "")
    child = psutil.Process(proc.pid).children()[0]
    proc.kill()  # SIGKILL: nothing can be forwarded; PR_SET_PDEATHSIG stops the child
    proc.wait()
    _, alive = psutil.wait_procs([child], timeout=5)
    for p in alive:
        p.kill()
    assert not alive


# ---------------------------------------------------------------- the real servers
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_origin_map_app_stops_with_its_streamlit(sig, tmp_path) -> None:
    port = serve.free_port()
    proc = subprocess.Popen([PY, "-m", "origin_map.cli", "app", "--port", str(port)], env=ENV,
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)  # like a service: no terminal's Ctrl-C
    try:
        _wait_health(f"http://127.0.0.1:{port}", proc)
        seconds = _stop_and_check(proc, sig, [port])
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, proc.stderr.read().decode(errors="replace")[-2000:]
    assert seconds < STOP_LIMIT_S


def test_serve_stops_the_proxy_and_every_worker(tmp_path) -> None:
    if not Path(serve.HAPROXY).exists():
        pytest.fail("Debian's haproxy is not installed: `make proxy` (apt-get install haproxy)")
    port = serve.free_port()
    proc = subprocess.Popen([PY, str(ROOT / "scripts" / "serve.py"), "--workers", "2",
                             "--port", str(port)], env=ENV, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        _wait_health(f"http://127.0.0.1:{port}", proc, timeout_s=180)
        workers = [c for c in psutil.Process(proc.pid).children() if "haproxy" not in c.name()]
        ports = [port, *(int(c.cmdline()[c.cmdline().index("--server.port") + 1])
                         for c in workers)]
        assert len(ports) == 3
        run_dir = Path(proc.stdout.readline().decode().split("(logs: ")[1].split(")")[0])
        assert run_dir.is_dir()
        seconds = _stop_and_check(proc, signal.SIGTERM, ports)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, proc.stderr.read().decode(errors="replace")[-2000:]
    assert seconds < STOP_LIMIT_S and not run_dir.exists()
