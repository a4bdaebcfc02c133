"""``origin-map app``: start the Streamlit app, from the checkout or the installed package."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from origin_map.cli._options import EXIT_DATA
from origin_map.cli._supervise import run_child

__all__ = ["add_app_parser", "run_app", "streamlit_argv"]


def add_app_parser(sub: Any) -> None:
    """Register ``app`` on the sub-parsers of ``origin-map``."""
    p = sub.add_parser("app", help="start the Streamlit app (default http://127.0.0.1:8501)",
                       description="Start the Origin Map app with Streamlit: the checkout's "
                                   "app.py when run from a checkout, else the copy installed "
                                   "with the package (origin_map/_app).")
    p.add_argument("--port", type=int, default=8501, metavar="P",
                   help="port to serve on (default 8501)")
    p.add_argument("--address", default="127.0.0.1", metavar="A",
                   help="address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)")
    from origin_map.cli._store import add_store_options

    add_store_options(p)
    p.add_argument("--keep-days", type=float, metavar="N",
                   help="remove saved datasets not opened for N days (default: "
                        "$ORIGIN_MAP_KEEP_DAYS, else 90)")
    p.set_defaults(run=run_app)


def streamlit_argv(script: Path, *, port: int, address: str) -> list[str]:
    """Return the command that serves the app (``script``) with these flags.

    The app is started through :mod:`origin_map.app.launch`, which warms its caches before the
    server listens and then runs ``streamlit run`` on ``script`` in the same process.
    """
    return [sys.executable, "-m", "origin_map.app.launch", "--script", str(script),
            "--server.address", address, "--server.port", str(port),
            "--server.headless", "true", "--browser.gatherUsageStats", "false"]


def _store_env(args: argparse.Namespace) -> dict[str, Any]:
    """Return ``{"env": ...}``: the server's variables with the dataset store options added."""
    import os

    from origin_map.store.datasets import ENV_DATA_DIR, ENV_KEEP_DAYS, ENV_STORE

    given = {name: str(value) for name, value in (
        (ENV_STORE, getattr(args, "store", None)), (ENV_DATA_DIR, getattr(args, "data_dir", None)),
        (ENV_KEEP_DAYS, getattr(args, "keep_days", None))) if value is not None}
    from origin_map.cli._supervise import server_env

    return {"env": server_env({**os.environ, **given})}


def run_app(args: argparse.Namespace) -> int:
    """Serve the app until it stops, or until this process gets SIGTERM, SIGINT or SIGHUP.

    Streamlit runs as a child in its own process group; a stop signal is forwarded to it and
    it is killed if it has not stopped within 8 s (:func:`._supervise.run_child`). Returns its
    exit code (0 after a clean stop). Streamlit runs in the app's folder, so that it reads the
    ``.streamlit/config.toml`` there (static file serving, the upload limit) and serves the
    ``static/`` folder next to ``app.py``.
    """
    from origin_map.paths import app_dir

    folder = app_dir()
    script = folder / "app.py"
    if not script.is_file():
        print(f"origin-map: error: {script} not found; reinstall origin-map (the wheel carries "
              "the app as origin_map/_app)", file=sys.stderr)
        return EXIT_DATA
    print(f"origin-map: serving {script} on http://{args.address}:{args.port}", file=sys.stderr)
    return run_child(streamlit_argv(script, port=args.port, address=args.address), cwd=folder,
                     **_store_env(args))
