"""The dataset store on the command line: ``--dataset ID``, ``--store URL``, ``--data-dir DIR``.

argparse only when the parser is built; the store is opened when a command runs. The store is
the SQLite file in ``--data-dir`` (default: the user's data folder) or the PostgreSQL database of
``--store``; both default to the environment the app uses (``ORIGIN_MAP_STORE``,
``ORIGIN_MAP_DATA_DIR``).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from origin_map.store.datasets import DatasetStore

__all__ = ["add_dataset_options", "add_store_options", "dataset_places", "store_of"]


def add_store_options(p: argparse.ArgumentParser) -> None:
    """Add ``--store URL`` and ``--data-dir DIR``."""
    p.add_argument("--store", metavar="URL",
                   help="PostgreSQL store, postgresql://user:password@host/db (default: "
                        "$ORIGIN_MAP_STORE, else the SQLite file in --data-dir)")
    p.add_argument("--data-dir", metavar="DIR",
                   help="folder of the SQLite store (default: $ORIGIN_MAP_DATA_DIR, else "
                        "the user's data folder, ~/.local/share/origin-map on Linux)")


def add_dataset_options(p: argparse.ArgumentParser) -> None:
    """Add ``--dataset ID`` (instead of ``--data FILE``) and the store options."""
    p.add_argument("--dataset", metavar="ID",
                   help="a dataset saved in the store (origin-map datasets save), with its "
                        "review applied, instead of --data")
    add_store_options(p)


def store_of(args: argparse.Namespace) -> DatasetStore:
    """Return the store of ``--store``/``--data-dir`` (else the environment's)."""
    import os

    from origin_map.store.datasets import ENV_DATA_DIR, ENV_STORE, store_from_env

    env = dict(os.environ)
    if getattr(args, "store", None):
        env[ENV_STORE] = args.store
    if getattr(args, "data_dir", None):
        env.update({ENV_DATA_DIR: args.data_dir, ENV_STORE: args.store or ""})
    return store_from_env(env)


def dataset_places(args: argparse.Namespace) -> pd.DataFrame | None:
    """Return the places of ``--dataset`` (review applied), or None if ``--data`` is given too."""
    if getattr(args, "data", None) is not None:
        print("origin-map: error: give --data FILE or --dataset ID, not both", file=sys.stderr)
        return None
    opened = store_of(args).open(args.dataset)
    places = opened.places(geometry=False)
    print(f"origin-map: dataset {opened.info.id} ({opened.info.name}): {len(places)} places "
          f"after its review", file=sys.stderr)
    return places
