"""The wheel carries the app (app.py, pages/, static/, .streamlit/), the data and the catalogues;
an installed package finds its static files and ``origin-map app`` serves them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from importlib import resources
from pathlib import Path

import pytest

from origin_map import paths
from origin_map.cli import _app, main
from origin_map.render import assets

ROOT = Path(__file__).resolve().parents[1]
STREAMLIT_FLAGS = ["--server.headless", "true", "--browser.gatherUsageStats", "false"]


# ---------------------------------------------------------------- where the app's files are
def test_a_checkout_uses_its_own_static_folder() -> None:
    assert paths.checkout_root() == ROOT
    assert assets.STATIC_DIR == ROOT / "static" == paths.static_dir()
    assert (assets.VENDOR_DIR / "leaflet" / "dist" / "leaflet.js").is_file()


@pytest.mark.parametrize("checkout", ["none", "without static"])
def test_static_dir_falls_back_to_the_package_resource(checkout: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    root = None if checkout == "none" else tmp_path  # tmp_path has no static/ folder
    monkeypatch.setattr(paths, "checkout_root", lambda: root)
    installed = Path(str(resources.files("origin_map"))) / "_app"
    assert paths.package_app_dir() == installed
    assert paths.static_dir() == installed / "static"


# ---------------------------------------------------------------- origin-map app
def _run_app(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    seen: dict[str, object] = {}

    def call(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> int:
        seen.update(cmd=cmd, cwd=cwd, env=env)
        return 0

    monkeypatch.setattr(_app, "run_child", call)
    seen["code"] = main(argv)
    return seen


def test_app_runs_the_checkouts_app_with_the_makefile_flags(monkeypatch) -> None:
    seen = _run_app(["app", "--port", "8765", "--address", "0.0.0.0"], monkeypatch)
    assert seen["code"] == 0 and seen["cwd"] == ROOT  # Streamlit reads ROOT/.streamlit/
    assert seen["cmd"] == [sys.executable, "-m", "origin_map.app.launch", "--script",
                           str(ROOT / "app.py"),
                           "--server.address", "0.0.0.0", "--server.port", "8765",
                           *STREAMLIT_FLAGS]
    assert "origin-map app --port $(PORT)" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_app_starts_streamlit_with_glibcs_arenas_bounded(monkeypatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    env = _run_app(["app"], monkeypatch)["env"]
    assert isinstance(env, dict) and env["MALLOC_ARENA_MAX"] == "2"


def test_app_defaults_to_localhost_8501(monkeypatch) -> None:
    cmd = _run_app(["app"], monkeypatch)["cmd"]
    assert cmd[5:9] == ["--server.address", "127.0.0.1", "--server.port", "8501"]


def test_installed_app_runs_from_the_package(tmp_path, monkeypatch) -> None:
    (tmp_path / "app.py").write_text("", encoding="utf-8")
    monkeypatch.setattr(paths, "checkout_root", lambda: None)
    monkeypatch.setattr(paths, "package_app_dir", lambda: tmp_path)
    seen = _run_app(["app"], monkeypatch)
    assert seen["cwd"] == tmp_path and seen["cmd"][4] == str(tmp_path / "app.py")


def test_app_missing_from_the_install_is_a_clear_error(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(paths, "checkout_root", lambda: None)
    monkeypatch.setattr(paths, "package_app_dir", lambda: tmp_path)
    assert _run_app(["app"], monkeypatch)["code"] == 1
    assert "app.py not found; reinstall origin-map" in capsys.readouterr().err


# ---------------------------------------------------------------- the wheel
@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    (found,) = out.glob("origin_map-*.whl")
    return found


@pytest.mark.slow
def test_the_wheel_carries_the_app_the_data_and_the_catalogues(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("origin_map/_app/app.py", "origin_map/_app/pages/map.py",
                 "origin_map/_app/static/vendor/leaflet/dist/leaflet.js",
                 "origin_map/_app/.streamlit/config.toml", "origin_map/locales/zh.toml",
                 "origin_map/locales/en.toml", "origin_map/_geodata/places.csv",
                 "origin_map/cli/__init__.py", "origin_map/io/rawtable.py"):
        assert name in names, name
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as resp:  # localhost only
        return bytes(resp.read())


@pytest.mark.slow
def test_an_installed_wheel_serves_the_vendored_map_files(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q",
                    "--disable-pip-version-check", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("ORIGIN_MAP_GEODATA", None)
    where = subprocess.run([sys.executable, "-c", "from origin_map.render import assets; "
                            "print(assets.STATIC_DIR)"], env=env, cwd=tmp_path, text=True,
                           capture_output=True, check=True).stdout.strip()
    assert Path(where) == target / "origin_map" / "_app" / "static"
    port = _free_port()
    log = (tmp_path / "app.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "origin_map.cli", "app", "--port", str(port)],
                            env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)  # its own group: Streamlit is a child
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                assert _get(f"http://127.0.0.1:{port}/_stcore/health") == b"ok"
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail((tmp_path / "app.log").read_text(errors="replace"))
                time.sleep(0.5)
        served = _get(f"http://127.0.0.1:{port}/app/static/vendor/leaflet/dist/leaflet.js")
        assert served == (ROOT / "static/vendor/leaflet/dist/leaflet.js").read_bytes()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
