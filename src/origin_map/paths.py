"""Where the app's files are: the checkout's, or the copy installed with the package.

A checkout runs ``app.py``, ``pages/`` and ``static/`` from the repository root; a wheel carries
them (with ``.streamlit/``) as the package resource ``origin_map/_app`` (pyproject's
``force-include``). This module imports nothing heavy: the command line uses it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["app_dir", "checkout_root", "geodata_dir", "package_app_dir", "static_dir"]


def checkout_root() -> Path | None:
    """Return the repository root when ``origin_map`` is imported from its ``src/``, else None."""
    package = Path(__file__).resolve().parent
    root = package.parents[1]
    if package.parent.name == "src" and (root / "app.py").is_file():
        return root
    return None


def package_app_dir() -> Path:
    """Return the app folder installed with the package (``origin_map/_app``)."""
    return Path(str(resources.files("origin_map").joinpath("_app")))


def app_dir() -> Path:
    """Return the folder of ``app.py``: the checkout's root, else the installed copy."""
    root = checkout_root()
    return root if root is not None else package_app_dir()


def static_dir() -> Path:
    """Return the ``static/`` folder Streamlit serves: the checkout's, else the installed copy."""
    root = checkout_root()
    if root is not None and (root / "static").is_dir():
        return root / "static"
    return package_app_dir() / "static"


def geodata_dir() -> Path:
    """Return the folder of the shipped data (the checkout's ``geodata/`` or the installed copy).

    ``ORIGIN_MAP_GEODATA`` names another folder holding a ``places.csv``.
    """
    import os

    env = os.environ.get("ORIGIN_MAP_GEODATA")
    candidates = [Path(env)] if env else []
    package = Path(__file__).resolve().parent
    candidates += [package / "_geodata", package.parents[1] / "geodata"]
    for c in candidates:
        if (c / "places.csv").is_file():
            return c
    raise FileNotFoundError("The shipped geodata/ folder was not found; set ORIGIN_MAP_GEODATA.")
