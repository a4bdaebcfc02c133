"""streamlit-folium's front end with the map's bundles in its page (origin_map.app.frontend)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from origin_map.app import frontend
from origin_map.app.frontend import BUILD, MARK, frontend_dir, page_with_bundles, preloaded

JS = ("/app/static/bundle/map-0123456789ab.js",)
CSS = ("/app/static/bundle/map-ba9876543210.css",)


def test_the_bundles_are_the_only_links_the_page_loads_itself():
    links = ("/app/static/bundle/map-1.js", "/app/static/vendor/x/y.js")
    assert preloaded(links) == ("/app/static/bundle/map-1.js",)
    assert preloaded(()) == ()


def test_the_page_loads_the_stylesheet_and_the_script_before_streamlit_folium_s_own():
    original = (BUILD / "index.html").read_text(encoding="utf-8")
    page = page_with_bundles(original, JS, CSS)
    assert page is not None
    css_at = page.index(f'<link rel="stylesheet" href="{CSS[0]}"/>')
    js_at = page.index(f'<script defer="defer" src="{JS[0]}"></script>')
    assert css_at < js_at < page.index(MARK)  # deferred scripts run in document order
    # nothing else of streamlit-folium's page changed
    assert page.replace(page[css_at:page.index(MARK)], "") == original


def test_another_streamlit_folium_page_is_left_alone():
    assert page_with_bundles("<html><script src='main.js'></script></html>", JS, CSS) is None


def test_a_link_cannot_break_out_of_its_attribute():
    page = page_with_bundles(MARK + "x.js\"></script>", ('/a"><script>alert(1)</script>',), ())
    assert page is not None
    assert "<script>alert" not in page
    assert '/a&quot;>&lt;script>' in page


def test_the_copy_is_written_once_with_streamlit_folium_s_files(tmp_path: Path):
    folder = frontend_dir.__wrapped__(JS, CSS, tmp_path)
    assert folder is not None
    copy = Path(folder)
    assert copy.parent == tmp_path and copy.name.startswith("st_folium-")
    main = sorted(p.name for p in (BUILD / "static" / "js").glob("main.*.js"))
    assert sorted(p.name for p in (copy / "static" / "js").glob("main.*.js")) == main
    assert not list(copy.rglob("*.map"))  # source maps are not served
    assert JS[0] in (copy / "index.html").read_text(encoding="utf-8")
    # a second worker (or a restart) finds it and writes nothing
    before = (copy / "index.html").stat().st_mtime_ns
    assert frontend_dir.__wrapped__(JS, CSS, tmp_path) == folder
    assert (copy / "index.html").stat().st_mtime_ns == before
    assert [p.name for p in tmp_path.iterdir()] == [copy.name]  # no work folder left
    # other bundles: another folder
    other = frontend_dir.__wrapped__(("/app/static/bundle/map-ffffffffffff.js",), CSS, tmp_path)
    assert other is not None and other != folder


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_an_unwritable_folder_means_the_original_front_end(tmp_path: Path):
    tmp_path.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert frontend_dir.__wrapped__(JS, CSS, tmp_path / "x") is None
    finally:
        tmp_path.chmod(stat.S_IRWXU)


def test_an_unwritable_folder_means_the_original_front_end_even_as_root(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert frontend_dir.__wrapped__(JS, CSS, blocker) is None


def test_without_a_running_server_every_link_is_sent(monkeypatch: pytest.MonkeyPatch):
    import streamlit.runtime

    monkeypatch.setattr(streamlit.runtime, "exists", lambda: False)
    assert frontend.use_frontend(JS, CSS) is False


def test_a_copy_removed_while_the_server_runs_is_written_again(tmp_path: Path):
    # e.g. systemd-tmpfiles cleaning /tmp under a server that has run for weeks
    import shutil

    from origin_map.app.frontend import current_frontend

    folder = current_frontend(JS, CSS, tmp_path)
    assert folder is not None
    shutil.rmtree(folder)
    assert current_frontend(JS, CSS, tmp_path) == folder
    assert (Path(folder) / "index.html").is_file()
