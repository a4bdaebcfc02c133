"""Run a server child process that stops with its parent: signals forwarded, nothing orphaned.

``origin-map app`` starts Streamlit as a child process. A supervisor (systemd, a container
runtime, a CI job, a terminal's Ctrl-C) stops the *parent*; :func:`run_child` makes that stop
the child too: the child runs in its own process group, SIGTERM, SIGINT and SIGHUP received by
the parent are sent on to that group, and a group still alive after ``stop_timeout_s`` is
killed. On Linux the child also gets SIGTERM when the parent dies without a chance to forward
anything (``SIGKILL``): ``prctl(PR_SET_PDEATHSIG)``. ``scripts/serve.py`` starts its workers and
HAProxy with :func:`parent_death_hook` and stops them with :func:`stop_groups`.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # subprocess is imported when a child is started, not by every command
    import subprocess
    from pathlib import Path

__all__ = ["SERVER_ENV", "STOP_SIGNALS", "STOP_TIMEOUT_S", "parent_death_hook", "run_child",
           "server_env", "stop_groups"]

STOP_TIMEOUT_S = 8.0
"""Seconds a child has to stop after the signal was forwarded, before it is killed."""
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
"""The signals that stop a server: a supervisor's, Ctrl-C, a closed terminal."""
SERVER_ENV = {"MALLOC_ARENA_MAX": "2"}
"""Variables a server process starts with unless the environment already sets them.

``MALLOC_ARENA_MAX=2``: glibc otherwise gives each concurrent thread a heap arena of its own and
keeps what is freed in them; Streamlit runs every visitor's script on a thread, so a server's
memory rose by ~450 kB per visitor past ~50 visitors at 10 at a time, and stayed level with 2
arenas (docs/load.md, the heavy soak pass). It must be set before the process starts.
"""


def server_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return ``base`` (default: this process's environment) with :data:`SERVER_ENV` added.

    A value the environment already has is kept (an operator's own setting wins).

    Examples
    --------
    >>> server_env({})["MALLOC_ARENA_MAX"]
    '2'
    >>> server_env({"MALLOC_ARENA_MAX": "4"})["MALLOC_ARENA_MAX"]
    '4'
    """
    env = dict(os.environ if base is None else base)
    for name, value in SERVER_ENV.items():
        env.setdefault(name, value)
    return env


def parent_death_hook() -> Callable[[], None] | None:
    """Return a ``preexec_fn`` asking Linux for SIGTERM when the parent dies, or None.

    ``PR_SET_PDEATHSIG`` fires when the *thread* that started the child ends, so it is used
    only from the main thread. The C function is looked up here, before the fork; the child
    only calls it.
    """
    if not sys.platform.startswith("linux") or threading.current_thread() is not \
            threading.main_thread():
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(1, int(signal.SIGTERM), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG


def _killpg(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def run_child(cmd: Sequence[str], *, cwd: Path | None = None, name: str = "origin-map",
              stop_timeout_s: float = STOP_TIMEOUT_S,
              env: Mapping[str, str] | None = None) -> int:
    """Run ``cmd`` until it exits, or until this process is asked to stop; return an exit code.

    Returns
    -------
    int
        The child's exit code when it ended by itself (non-zero: it failed; killed by a signal:
        ``128 + signal``); 0 when it stopped cleanly after a forwarded signal; 1 when it had to
        be killed because it did not stop within ``stop_timeout_s``.
    """
    import subprocess

    received: list[float] = []  # when each stop signal arrived (monotonic seconds)
    proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, start_new_session=True,
                            preexec_fn=parent_death_hook())

    def forward(signum: int, _frame: object) -> None:
        received.append(time.monotonic())
        _killpg(proc.pid, signal.SIGTERM if signum == signal.SIGHUP else signum)

    old = {s: signal.signal(s, forward) for s in STOP_SIGNALS}
    try:
        code = _wait(proc, received, stop_timeout_s, name)
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        _killpg(proc.pid, signal.SIGKILL)  # anything the child left in its group
    if code is None:
        return 1
    if code < 0:
        print(f"{name}: the server was killed by {signal.Signals(-code).name}", file=sys.stderr)
        return 128 - code
    if code and not received:
        print(f"{name}: the server exited with code {code}", file=sys.stderr)
    return code


def _wait(proc: subprocess.Popen[bytes], received: list[float], stop_timeout_s: float,
          name: str) -> int | None:
    """Wait for ``proc``; kill its group ``stop_timeout_s`` after the first stop signal.

    Returns its exit code, or None when it had to be killed.
    """
    import subprocess

    while True:
        try:
            return proc.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            pass
        if received and time.monotonic() - received[0] > stop_timeout_s:
            print(f"{name}: the server did not stop within {stop_timeout_s:g} s; killing it",
                  file=sys.stderr)
            _killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return None



def stop_groups(procs: Sequence[subprocess.Popen[bytes]], *, timeout_s: float = 8.0) -> bool:
    """Stop these process groups together: SIGTERM to each, SIGKILL to any left after timeout_s.

    Returns whether every one stopped by itself with exit code 0 (or had stopped before).
    """
    import subprocess

    clean = True
    for proc in procs:
        if proc.poll() is None:
            _killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    for proc in procs:
        try:
            code = proc.wait(max(0.0, deadline - time.monotonic()))
            clean = clean and code in (0, -signal.SIGTERM)
        except subprocess.TimeoutExpired:
            clean = False
        _killpg(proc.pid, signal.SIGKILL)  # the one left, or anything it left behind
        proc.wait()
    return clean
