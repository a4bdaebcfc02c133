"""What a visitor leaves behind: disconnected sessions are shut down when Streamlit drops them.

The soak itself (hundreds of visitors, server memory) is a benchmark: benchmarks/soak.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from origin_map.app.sessions import ShutdownSessionStorage, install
from tests.conftest import run_async


@dataclass
class FakeSession:
    id: str
    shutdowns: list[str] = field(default_factory=list)

    def shutdown(self) -> None:
        self.shutdowns.append(self.id)


@dataclass
class FakeInfo:
    session: FakeSession


def _store(maxsize: int = 128, ttl: int = 120) -> tuple[ShutdownSessionStorage, list[float],
                                                         list[str]]:
    store = ShutdownSessionStorage(maxsize=maxsize, ttl_seconds=ttl, sweep_s=0)
    now = [1000.0]
    store._ttl_cache._timer = lambda: now[0]
    return store, now, []


def _info(sid: str, log: list[str]) -> FakeInfo:
    return FakeInfo(FakeSession(sid, log))


def test_an_expired_session_is_shut_down_by_the_sweep():
    store, now, log = _store(ttl=120)
    store.save(_info("a", log))
    now[0] += 60
    store.sweep()
    assert log == [] and store.get("a") is not None  # still resumable
    now[0] += 61
    store.sweep()
    assert log == ["a"] and store.shut_down == 1
    assert store.get("a") is None


def test_an_expired_session_is_shut_down_when_the_next_visitor_arrives():
    store, now, log = _store(ttl=10)
    store.save(_info("a", log))
    now[0] += 11
    store.save(_info("b", log))
    assert log == ["a"]


def test_a_session_pushed_out_by_a_full_store_is_shut_down():
    store, _, log = _store(maxsize=2)
    for sid in "abc":
        store.save(_info(sid, log))
    assert log == ["a"]
    assert [i.session.id for i in store.list()] == ["b", "c"]


def test_a_session_whose_browser_came_back_is_not_shut_down():
    store, _, log = _store()
    store.save(_info("a", log))
    assert store.get("a") is not None
    store.delete("a")  # Streamlit resumes it
    assert log == [] and store.get("a") is None


def test_a_failing_shutdown_does_not_keep_the_others(caplog):
    store, now, log = _store(ttl=5)

    class Broken(FakeSession):
        def shutdown(self) -> None:
            raise RuntimeError("boom")

    store.save(FakeInfo(Broken("x")))
    store.save(_info("y", log))
    now[0] += 6
    store.sweep()
    assert log == ["y"] and store.shut_down == 2
    assert "expired session" in caplog.text


def test_the_sweep_runs_on_the_event_loop_that_uses_the_store():
    import asyncio

    log: list[str] = []
    store = ShutdownSessionStorage(ttl_seconds=0, sweep_s=0.05)

    async def main() -> None:
        store.save(_info("a", log))
        await asyncio.sleep(0.3)

    run_async(main())
    assert log == ["a"]


def test_install_makes_streamlit_build_its_runtime_with_our_store(monkeypatch):
    import streamlit.runtime.memory_session_storage as storage_module
    import streamlit.web.server.server as server_module

    monkeypatch.setattr(server_module, "MemorySessionStorage",
                        storage_module.MemorySessionStorage)
    monkeypatch.setattr(storage_module, "MemorySessionStorage",
                        storage_module.MemorySessionStorage)
    import streamlit.runtime.runtime as runtime_module
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    from origin_map.app.sessions import KeptScriptCache

    monkeypatch.setattr(runtime_module, "ScriptCache", ScriptCache)
    assert install() is True
    assert server_module.MemorySessionStorage is ShutdownSessionStorage
    assert runtime_module.ScriptCache is KeptScriptCache
    assert install() is True  # again: harmless
    assert runtime_module.ScriptCache is KeptScriptCache


@pytest.mark.parametrize(("watcher", "kept"), [("none", True), ("auto", False), ("poll", False)])
def test_compiled_scripts_stay_when_the_last_visitor_leaves_only_without_a_watcher(
        tmp_path, watcher, kept):
    from streamlit import config

    from origin_map.app.sessions import KeptScriptCache

    script = tmp_path / "page.py"
    script.write_text("x = 1\n", encoding="utf-8")
    cache = KeptScriptCache()
    code = cache.get_bytecode(str(script))
    before = config.get_option("server.fileWatcherType")
    config.set_option("server.fileWatcherType", watcher)
    try:
        cache.clear()  # what Streamlit does when no session is left
    finally:
        config.set_option("server.fileWatcherType", before)
    script.write_text("x = 2\n", encoding="utf-8")
    assert (cache.get_bytecode(str(script)) is code) is kept


@pytest.mark.parametrize("ttl", [1, 120])
def test_the_store_keeps_streamlits_settings(ttl):
    store = ShutdownSessionStorage(maxsize=7, ttl_seconds=ttl)
    assert store._ttl_cache.maxsize == 7 and store._ttl_cache.ttl == ttl


def test_what_a_shut_session_held_is_freed_at_the_sweep():
    import gc
    import weakref

    class Held:
        pass

    store, now, log = _store(ttl=5)
    session = FakeSession("a", log)
    held = Held()
    session.state = {"report": held, "self": session}  # a cycle, as AppSession has
    ref = weakref.ref(held)
    store.save(FakeInfo(session))
    del session, held
    gc.disable()  # as with runner.postScriptGC off: nothing else collects
    try:
        now[0] += 6
        store.sweep()
        assert log == ["a"] and ref() is None
    finally:
        gc.enable()


def test_the_sweep_gives_free_heap_back_after_shutting_sessions_down(monkeypatch):
    import origin_map.app.sessions as sessions

    calls: list[int] = []
    monkeypatch.setattr(sessions, "release_free_memory", lambda: calls.append(1) or True)
    store, now, log = _store(ttl=5)
    store.sweep()
    assert calls == []  # nothing shut down: nothing to give back
    store.save(_info("a", log))
    now[0] += 6
    store.sweep()
    assert log == ["a"] and calls == [1]


def test_release_free_memory_on_glibc():
    import platform

    from origin_map.app.sessions import release_free_memory

    expected = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"
    assert release_free_memory() is expected


# ---------------------------------------------------------------- what uploads leave in caches
def test_an_uploads_results_are_kept_in_a_small_cache_of_their_own():
    from origin_map.app.caching import SHIPPED, token_cache

    calls: list[tuple[str, int]] = []

    @token_cache(max_entries=4, own_entries=2)
    def work(token: str, x: int) -> int:
        calls.append((token, x))
        return x * 10

    try:
        assert [work(SHIPPED, x) for x in range(4)] == [0, 10, 20, 30]
        for token in ("up-a", "up-b", "up-c"):  # three uploads: the first one is pushed out
            assert work(token, 1) == 10
        calls.clear()
        assert [work(SHIPPED, x) for x in range(4)] == [0, 10, 20, 30]
        work("up-c", 1)
        work("up-b", 1)
        assert calls == []  # the shipped data's 4 entries and the last two uploads' are kept
        work("up-a", 1)
        assert calls == [("up-a", 1)]
    finally:
        work.clear()  # type: ignore[attr-defined]
    calls.clear()
    work(SHIPPED, 0)
    assert calls == [(SHIPPED, 0)]  # clear() emptied the shipped data's cache as well


def test_every_cache_keyed_by_a_dataset_token_is_two_tier_or_small():
    """A plain ``st.cache_resource`` keyed by a token would keep one entry per upload again."""
    import ast
    from pathlib import Path

    from origin_map.app.caching import OWN_ENTRIES

    found = []
    for path in sorted((Path(__file__).resolve().parents[1] / "src/origin_map/app").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.args.args and path.stem != "caching" \
                    and node.args.args[0].arg == "token" and node.decorator_list:
                found.append((path.stem, node.name, node.decorator_list[0]))
    assert len(found) >= 15
    big = [(m, n) for m, n, d in found if not (
        ast.unparse(d).startswith("token_cache(") or any(
            k.arg == "max_entries" and ast.literal_eval(k.value) <= OWN_ENTRIES
            for k in getattr(d, "keywords", [])))]
    assert big == []
