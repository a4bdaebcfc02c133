"""The dataset store (issue 21): the same tests on SQLite and on a real PostgreSQL server.

The PostgreSQL server is Debian's ``postgresql`` package (``make postgres`` installs it), started
once per session in a temporary folder: ``initdb`` + ``pg_ctl`` on a free loopback port, its unix
socket in that folder, trust authentication (nothing listens beyond 127.0.0.1). PostgreSQL
refuses to run as root, so as root the server runs as Debian's ``postgres`` user (made by the
package) through ``runuser``, in a folder given to that user. Each test gets a new database.
"""

from __future__ import annotations

import glob
import io
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from origin_map.places.datasets import load_places
from origin_map.store.datasets import DatasetStore, open_store, store_from_env
from origin_map.store.errors import (
    BadDatasetId,
    BadDecision,
    DatasetNotFound,
    QuotaExceeded,
    StoreError,
)
from origin_map.store.ids import ID_PATTERN, check_id
from origin_map.store.model import Provenance, StoreLimits
from origin_map.store.rows import FIXED_NOTE, Decision
from origin_map.store.schema import SCHEMA_VERSION

CSV = (
    "id,name,sector,kind,lat,lon\n"
    "a,Alpha,large_models,firm,39.99,116.32\n"
    "b,=HYPERLINK(\"http://x\"),chips,firm,39.98,116.33\n"
    "c,<script>alert(1)</script>,research,university,39.97,116.31\n"
    "d,Delta 中文,public,landmark,39.96,116.30\n"
)
PROV = Provenance("firms.csv", "csv", "gcj02")


# ------------------------------------------------------------------ PostgreSQL server
def _pg_bin() -> Path | None:
    for cand in (shutil.which("pg_ctl"), "/usr/local/bin/pg_ctl",
                 *sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)):
        if cand and Path(cand).exists():
            return Path(cand).resolve().parent
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(argv: list[str]) -> list[str]:
    """Run ``argv`` as ``postgres`` when we are root (PostgreSQL refuses root)."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@pytest.fixture(scope="session")
def pg_server() -> Iterator[tuple[str, int]]:
    """Start a PostgreSQL server; yield (socket folder, port)."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.fail("Debian's postgresql is not installed: `make postgres` "
                    "(apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="om-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port, data = _free_port(), folder / "data"
    subprocess.run(_as_server_user([str(bindir / "initdb"), "-D", str(data), "-U", "om",
                                    "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]),
                   check=True, capture_output=True)
    opts = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off")
    subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-l",
                                    str(folder / "log"), "-o", opts, "-w", "-t", "60",
                                    "start"]), check=True, capture_output=True)
    try:
        yield str(folder), port
    finally:
        subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast",
                                        "-w", "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: tuple[str, int]) -> str:
    """The test server's database, emptied; return its URL (through the unix socket)."""
    import psycopg

    folder, port = pg_server
    with psycopg.connect(host=folder, port=port, user="om", dbname="postgres",
                         autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return f"postgresql://om@/postgres?host={folder}&port={port}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The store URL of each backend: an SQLite folder, or a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:{tmp_path / 'store'}"
    return str(request.getfixturevalue("pg_url"))


def make_store(url: str, limits: StoreLimits | None = None) -> DatasetStore:
    if url.startswith("sqlite:"):
        return open_store(None, data_dir=url.removeprefix("sqlite:"), limits=limits)
    return open_store(url, limits=limits)


@pytest.fixture
def places(tmp_path: Path) -> pd.DataFrame:
    path = tmp_path / "firms.csv"
    path.write_text(CSV, encoding="utf-8")
    return load_places(path, datum="gcj02")


# ------------------------------------------------------------------ saving and opening
def test_save_then_open_gives_the_same_rows(url: str, places: pd.DataFrame) -> None:
    store = make_store(url)
    dataset_id = store.save(places, PROV)
    assert ID_PATTERN.fullmatch(dataset_id)
    opened = make_store(url).open(dataset_id)  # another connection: it is on disk/the server
    back = opened.places()
    pd.testing.assert_frame_equal(back, places)
    assert back.attrs["input_datum"] == "gcj02"
    assert back.crs.to_epsg() == 4326
    info = opened.info
    assert (info.name, info.n_rows, info.n_decisions, info.provenance) == (
        "firms.csv", 4, 0, PROV)
    assert info.created_at == info.updated_at == info.opened_at
    assert info.as_dict()["created_at"].endswith("+00:00")


def test_rows_are_kept_as_data_never_run(url: str, places: pd.DataFrame) -> None:
    store = make_store(url)
    rows = store.open(store.save(places, PROV)).rows
    assert rows["name_en"].tolist()[1:3] == ['=HYPERLINK("http://x")',
                                             "<script>alert(1)</script>"]
    assert "Delta 中文" in rows.iloc[3].tolist()


def test_same_rows_saved_twice_get_two_unguessable_ids(url: str,
                                                       places: pd.DataFrame) -> None:
    store = make_store(url)
    first, second = store.save(places, PROV), store.save(places, PROV)
    assert first != second
    assert first[:12] == second[:12]  # the content hash
    assert first[12:] != second[12:]  # 128 random bits


def test_provenance_and_name(url: str, places: pd.DataFrame) -> None:
    store = make_store(url)
    prov = Provenance("addresses.xlsx", "excel", "wgs84", "geocode", "gazetteer")
    info = store.info(store.save(places, prov, name="My firms"))
    assert info.name == "My firms"
    assert info.provenance == prov


# ------------------------------------------------------------------ review decisions
def test_decisions_apply_latest_per_aspect(url: str, places: pd.DataFrame) -> None:
    store = make_store(url)
    ds = store.save(places, PROV)
    for d in (Decision(0, "drop"), Decision(1, "drop"), Decision(1, "accept"),
              Decision(2, "position", 40.0, 116.4), Decision(2, "sector", sector="chips"),
              Decision(3, "position", 40.1, 116.5), Decision(3, "position")):
        store.decide(ds, d)
    opened = store.open(ds)
    assert opened.info.n_decisions == 7
    out = opened.places(geometry=False)
    assert out["id"].tolist() == ["b", "c", "d"]
    c = out.set_index("id").loc["c"]
    assert (c["lat"], c["lon"], c["sector"]) == (40.0, 116.4, "chips")
    assert (c["position_quality"], c["position_note"]) == ("estimated", FIXED_NOTE)
    d = out.set_index("id").loc["d"]  # the fix was taken back
    assert (d["lat"], d["lon"]) == (places["lat"].iloc[3], places["lon"].iloc[3])
    table = opened.review_table()
    assert table["accept"].tolist() == [False, True, True, True]
    geo = opened.places()
    assert geo.geometry.iloc[1].x == 116.4 and geo.geometry.iloc[1].y == 40.0


def test_review_table_starts_from_the_rows_accept_column(url: str) -> None:
    rows = pd.DataFrame({"address": ["x", "y", "z"], "lat": [39.9, None, 39.8],
                         "lon": [116.3, None, 116.2], "accept": [True, False, True]})
    store = make_store(url)
    ds = store.save(rows, Provenance("a.csv", "csv", geocoder="geocode", provider="gazetteer"))
    store.decide(ds, Decision(1, "position", 39.95, 116.35))
    store.decide(ds, Decision(1, "accept"))
    store.decide(ds, Decision(2, "drop"))
    table = store.open(ds).review_table()
    assert table["accept"].tolist() == [True, True, False]
    assert table["lat"].tolist() == [39.9, 39.95, 39.8]


@pytest.mark.parametrize(("decision", "key"), [
    (Decision(0, "delete"), "store.error.bad_action"),
    (Decision(-1, "drop"), "store.error.bad_row"),
    (Decision(4, "drop"), "store.error.row_not_in"),
    (Decision(0, "sector", sector="<b>x</b>"), "store.error.bad_sector"),
    (Decision(0, "position", 91.0, 116.0), "store.error.bad_position"),
    (Decision(0, "position", float("nan"), 116.0), "store.error.bad_position"),
    (Decision(0, "position", 40.0, None), "store.error.bad_position"),
])
def test_bad_decisions_are_refused_and_not_saved(url: str, places: pd.DataFrame,
                                                 decision: Decision, key: str) -> None:
    store = make_store(url)
    ds = store.save(places, PROV)
    with pytest.raises(BadDecision) as err:
        store.decide(ds, decision)
    assert err.value.key == key
    assert err.value.text("zh") != str(err.value)
    assert store.info(ds).n_decisions == 0
    assert len(store.open(ds).decisions) == 0


def test_saving_a_decision_takes_under_50_ms(url: str, places: pd.DataFrame) -> None:
    store = make_store(url)
    ds = store.save(places, PROV)
    times = []
    for i in range(30):
        start = time.perf_counter()
        store.decide(ds, Decision(i % 4, "drop" if i % 2 else "accept"))
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.050
    assert store.info(ds).n_decisions == 30


def _writer(url: str, dataset_id: str, first: int, n: int, start: object) -> None:
    """Save ``n`` decisions, one per row from ``first``, each in its own transaction."""
    store = make_store(url)
    start.wait()  # type: ignore[attr-defined]
    for row in range(first, first + n):
        store.decide(dataset_id, Decision(row, "drop"))
        store.decide(dataset_id, Decision(row, "sector", sector="chips"))


@pytest.mark.slow
def test_two_processes_saving_decisions_at_once_lose_none(url: str) -> None:
    n = 150
    rows = pd.DataFrame({"id": [f"p{i}" for i in range(2 * n)], "lat": 39.9, "lon": 116.3,
                         "sector": "research"})
    store = make_store(url)
    ds = store.save(rows, PROV)
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    procs = [ctx.Process(target=_writer, args=(url, ds, k * n, n, start)) for k in (0, 1)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(240)
    assert [p.exitcode for p in procs] == [0, 0]
    opened = store.open(ds)
    assert opened.info.n_decisions == len(opened.decisions) == 4 * n
    table = opened.review_table()
    assert not table["accept"].any()
    assert (table["sector"] == "chips").all()


# ------------------------------------------------------------------ ids and safety
@pytest.mark.parametrize("bad", [
    "", "abc", "' OR 1=1 --", "0" * 33, "0" * 35, "A" * 34, "0123456789ab" + "x" * 21 + "/",
    "0123456789ab" + "x" * 21 + "\n", "０" * 34, None, 12345,
])
def test_a_broken_id_is_refused_before_any_use(url: str, places: pd.DataFrame,
                                               bad: object) -> None:
    store = make_store(url)
    store.save(places, PROV)
    for call in (store.open, store.info, store.delete,
                 lambda i: store.decide(i, Decision(0, "drop"))):
        with pytest.raises(BadDatasetId) as err:
            call(bad)
        assert "dataset id" in str(err.value)
        assert "数据集编号" in err.value.text("zh")
    with pytest.raises(BadDatasetId):
        check_id(bad)


def test_a_missing_id_says_so(url: str, places: pd.DataFrame) -> None:
    store = make_store(url)
    ds = store.save(places, PROV)
    other = ds[:12] + ("A" if ds[12] != "A" else "B") + ds[13:]
    for call in (store.open, store.info, store.delete,
                 lambda i: store.decide(i, Decision(0, "drop"))):
        with pytest.raises(DatasetNotFound) as err:
            call(other)
        assert other in str(err.value) and "90 days" in str(err.value)
    assert store.info(ds).n_decisions == 0


def test_no_public_function_lists_datasets() -> None:
    public = {n for n in dir(DatasetStore) if not n.startswith("_")}
    assert public == {"clean_up", "close", "decide", "delete", "info", "open", "save",
                      "used_bytes", "where"}


def test_delete(url: str, places: pd.DataFrame) -> None:
    store = make_store(url)
    ds, kept = store.save(places, PROV), store.save(places, PROV)
    store.decide(ds, Decision(0, "drop"))
    store.delete(ds)
    with pytest.raises(DatasetNotFound):
        store.open(ds)
    with pytest.raises(DatasetNotFound):
        store.delete(ds)
    assert len(store.open(kept).rows) == 4


# ------------------------------------------------------------------ retention and quotas
def test_clean_up_removes_datasets_not_opened_for_n_days(url: str,
                                                         places: pd.DataFrame) -> None:
    now = [1_800_000_000.0]
    store = make_store(url, StoreLimits(keep_days=30))
    store.clock = lambda: now[0]
    old, used = store.save(places, PROV), store.save(places, PROV)
    store.decide(old, Decision(0, "drop"))
    now[0] += 20 * 86400
    store.open(used)
    now[0] += 11 * 86400  # old: 31 days unopened (a decision is not an opening); used: 11
    assert store.clean_up() == 1
    with pytest.raises(DatasetNotFound):
        store.info(old)
    assert store.info(used).n_rows == 4
    assert store.clean_up() == 0
    assert store.used_bytes() == store.info(used).rows_bytes


def test_a_dataset_over_its_quota_is_refused(url: str, places: pd.DataFrame) -> None:
    store = make_store(url, StoreLimits(dataset_bytes=1000))
    with pytest.raises(QuotaExceeded) as err:
        store.save(places, PROV)
    assert "over the limit of 0.0 MB per dataset" in str(err.value)
    assert "每个数据集" in err.value.text("zh")


def test_review_decisions_count_in_the_dataset_quota(url: str, places: pd.DataFrame) -> None:
    size = make_store(url).info(make_store(url).save(places, PROV)).rows_bytes
    store = make_store(url, StoreLimits(dataset_bytes=size + 3 * 100, decision_bytes=100))
    ds = store.save(places, PROV)
    for row in range(3):
        store.decide(ds, Decision(row, "drop"))
    with pytest.raises(QuotaExceeded) as err:
        store.decide(ds, Decision(3, "drop"))
    assert err.value.key == "store.error.dataset_full"
    assert store.info(ds).n_decisions == 3


def test_the_total_quota_is_refused_with_a_clear_message(url: str,
                                                         places: pd.DataFrame) -> None:
    size = make_store(url).info(make_store(url).save(places, PROV)).rows_bytes
    store = make_store(url, StoreLimits(total_bytes=3 * size + 10))
    store.save(places, PROV)
    store.save(places, PROV)  # 3 with the one above
    with pytest.raises(QuotaExceeded) as err:
        store.save(places, PROV)
    assert err.value.key == "store.error.store_full"
    assert "Delete datasets you no longer need" in str(err.value)
    assert "请删除不再需要的数据集" in err.value.text("zh")


# ------------------------------------------------------------------ schema
def test_migrations_are_recorded_once(url: str) -> None:
    store = make_store(url)
    make_store(url)
    with store.backend.transaction() as tx:
        rows = tx.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    assert [int(r[0]) for r in rows] == list(range(1, SCHEMA_VERSION + 1))


def test_a_newer_schema_is_refused(url: str) -> None:
    store = make_store(url)
    with store.backend.transaction(write=True) as tx:
        tx.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, 0)",
                   (SCHEMA_VERSION + 1,))
    with pytest.raises(RuntimeError, match="upgrade Origin Map"):
        make_store(url)


def test_store_from_env_reads_the_settings(tmp_path: Path) -> None:
    store = store_from_env({"ORIGIN_MAP_DATA_DIR": str(tmp_path), "ORIGIN_MAP_KEEP_DAYS": "7",
                            "ORIGIN_MAP_DATASET_MB": "2", "ORIGIN_MAP_STORE_MB": "10"})
    assert store.where == str(tmp_path / "datasets.sqlite")
    assert (store.limits.keep_days, store.limits.dataset_bytes, store.limits.total_bytes) == (
        7, 2 * 1024 * 1024, 10 * 1024 * 1024)
    import sqlite3

    with sqlite3.connect(tmp_path / "datasets.sqlite") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.postgres
def test_a_server_that_does_not_answer_is_a_clear_error() -> None:
    port = _free_port()
    with pytest.raises(StoreError) as err:
        open_store(f"postgresql://om:secret@127.0.0.1:{port}/x")
    assert err.value.key == "store.error.unavailable"
    assert "secret" not in str(err.value)
    assert f"postgresql://om@127.0.0.1:{port}/x" in str(err.value)


# ------------------------------------------------------------------ the command line
def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from origin_map.cli import main

    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _store_args(url: str) -> list[str]:
    if url.startswith("sqlite:"):
        return ["--data-dir", url.removeprefix("sqlite:")]
    return ["--store", url]


def test_cli_save_show_export_delete(url: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "firms.csv"
    src.write_text(CSV, encoding="utf-8")
    where = _store_args(url)
    code, out, err = _cli(["datasets", "save", str(src), "--datum", "gcj02", "--name", "Mine",
                           *where], capsys)
    dataset_id = out.strip()
    assert code == 0 and ID_PATTERN.fullmatch(dataset_id), err
    assert "saved 4 places" in err
    make_store(url).decide(dataset_id, Decision(0, "drop"))
    code, out, _ = _cli(["datasets", "show", dataset_id, *where], capsys)
    shown = dict(line.split(None, 1) for line in out.splitlines() if len(line.split()) > 1)
    assert (shown["name"], shown["n_rows"], shown["n_decisions"]) == ("Mine", "4", "1")
    assert (shown["file_name"], shown["reader"], shown["datum"]) == ("firms.csv", "csv", "gcj02")
    out_csv = tmp_path / "out.csv"
    assert _cli(["datasets", "export", dataset_id, "-o", str(out_csv), *where], capsys)[0] == 0
    exported = pd.read_csv(out_csv, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert exported["id"].tolist() == ["b", "c", "d"]
    assert exported["name_en"].iloc[0] == "'=HYPERLINK(\"http://x\")"  # never a formula
    assert _cli(["datasets", "delete", dataset_id, *where], capsys)[0] == 0
    code, _, err = _cli(["datasets", "show", dataset_id, *where], capsys)
    assert code == 1 and "There is no dataset" in err


def test_cli_dataset_option_counts_the_reviewed_places(url: str, places: pd.DataFrame,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    store = make_store(url)
    dataset_id = store.save(places, PROV)
    store.decide(dataset_id, Decision(0, "drop"))
    code, out, _ = _cli(["stats", "--dataset", dataset_id, "--radius-m", "100000", "--rings",
                         "", *_store_args(url)], capsys)
    assert code == 0
    table = pd.read_csv(io.StringIO(out.lstrip("\ufeff")))
    assert int(table.loc[table["sector"] == "all", "count"].iloc[0]) == 3
    code, _, err = _cli(["stats", "--dataset", "'; DROP TABLE datasets; --",
                         *_store_args(url)], capsys)
    assert code == 1 and "is not a dataset id" in err
    assert store.info(dataset_id).n_rows == 4


def test_cli_refuses_data_and_dataset_together(tmp_path: Path, places: pd.DataFrame,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    store = open_store(None, data_dir=tmp_path)
    dataset_id = store.save(places, PROV)
    code, out, err = _cli(["cluster", "--dataset", dataset_id, "--data", "x.csv",
                           "--data-dir", str(tmp_path)], capsys)
    assert code == 1 and out == "" and "not both" in err


def test_cli_save_refuses_a_file_with_invalid_rows(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "bad.csv"
    src.write_text("name,lat,lon\nok,39.9,116.3\nbad,95,116.3\n", encoding="utf-8")
    code, out, err = _cli(["datasets", "save", str(src), "--data-dir", str(tmp_path)], capsys)
    assert code == 1 and out == "" and "row 2" in err and "nothing saved" in err
    code, out, err = _cli(["datasets", "save", str(src), "--skip-invalid", "--data-dir",
                           str(tmp_path)], capsys)
    assert code == 0 and "1 rows left out" in err
    assert open_store(None, data_dir=tmp_path).info(out.strip()).n_rows == 1


def test_cli_clean_up(tmp_path: Path, places: pd.DataFrame,
                      capsys: pytest.CaptureFixture[str]) -> None:
    store = open_store(None, data_dir=tmp_path)
    store.clock = lambda: 1_000_000.0  # saved long ago
    old = store.save(places, PROV)
    code, _, err = _cli(["datasets", "clean-up", "--keep-days", "30", "--data-dir",
                         str(tmp_path)], capsys)
    assert code == 0 and "removed 1 dataset(s)" in err
    with pytest.raises(DatasetNotFound):
        store.info(old)


def test_decisions_between_two_review_tables() -> None:
    from origin_map.store.rows import decisions_between

    before = pd.DataFrame({"accept": [True, True, False, True, True],
                           "lat": [39.9, 39.8, None, 39.7, 39.6],
                           "lon": [116.3, 116.2, None, 116.1, 116.0],
                           "sector": ["chips", None, "research", "chips", "chips"]})
    after = before.copy()
    after.loc[0, "accept"] = False
    after.loc[2, ["accept", "lat", "lon"]] = [True, 39.95, 116.35]
    after.loc[3, "lat"] = None  # half a position: not a decision yet
    after.loc[4, ["lat", "lon"]] = [None, None]  # the fix taken back
    after.loc[1, "sector"] = "large_models"
    assert decisions_between(before, after) == [
        Decision(0, "drop"), Decision(1, "sector", sector="large_models"),
        Decision(2, "accept"), Decision(2, "position", 39.95, 116.35), Decision(4, "position")]
    assert decisions_between(before, before.copy()) == []


@pytest.mark.postgres
def test_a_dropped_server_connection_is_a_clear_error_then_reconnects(pg_url: str,
                                                                       places: pd.DataFrame
                                                                       ) -> None:
    import psycopg

    store = open_store(pg_url)
    dataset_id = store.save(places, PROV)  # its connection now waits in the pool
    with psycopg.connect(pg_url, autocommit=True) as admin:  # as a server restart would
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE pid <> pg_backend_pid() AND datname = current_database()")
    with pytest.raises(StoreError) as err:
        store.info(dataset_id)
    assert err.value.key == "store.error.unavailable"
    assert store.info(dataset_id).n_rows == 4  # a new connection


def test_a_bad_setting_in_the_environment_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        store_from_env({"ORIGIN_MAP_DATA_DIR": str(tmp_path), "ORIGIN_MAP_KEEP_DAYS": "ninety"})
    assert "ORIGIN_MAP_KEEP_DAYS" in str(err.value) and "'ninety'" in str(err.value)
