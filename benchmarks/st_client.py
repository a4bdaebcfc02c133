"""One simulated browser visitor speaking Streamlit 1.67's websocket protocol (no browser).

What :class:`Visitor` does is what Streamlit's frontend (``static/js/index.*.js``) does:

1. ``GET`` the page (e.g. ``/map``), ``/_stcore/health`` and ``/_stcore/host-config``, keeping
   the cookies it is given (Streamlit's ``_streamlit_xsrf``, a reverse proxy's sticky cookie);
2. open ``ws://host:port/_stcore/stream`` with the subprotocols ``["streamlit", <xsrf token>]``,
   those cookies and an ``Origin`` header;
3. send ``BackMsg.rerun_script`` (page name taken from the path, the query string, context
   info) and read ``ForwardMsg`` frames until ``script_finished``;
4. on each :meth:`Visitor.rerun`, send ``rerun_script`` with the new value of the number input
   whose widget key is ``widget_key`` (its id, ``$$ID-<hash>-<key>``, is read from the first
   run's deltas), the page's script hash, the query string the app last wrote, and the hashes
   of the messages held in its message cache (cacheable messages, expired after
   ``max_cached_message_age`` runs, as the browser does, so the server sends references).

Only the changed number input is sent in ``widget_states``; the other widgets keep their values
on the server (a browser sends every widget's value; the script work is the same). Component
values a browser's iframe would post back (``st_folium``'s initial state) are not sent.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect

FINISHED_OK = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
XSRF_COOKIE = "_streamlit_xsrf"


class ProtocolError(RuntimeError):
    """The server answered in a way a browser would treat as a failure."""


@dataclass
class RunOutcome:
    """What one script run cost the visitor: seconds to ``script_finished`` and bytes read."""

    latency_s: float
    bytes_in: int
    messages: int
    error: str = ""


@dataclass
class _Cache:
    """The browser's ForwardMsg cache: hash -> script run count when last used."""

    max_age: int = 2
    run_count: int = 0
    entries: dict[str, int] = field(default_factory=dict)

    def add(self, msg: ForwardMsg) -> None:
        if msg.metadata.cacheable and msg.hash and msg.hash not in self.entries:
            self.entries[msg.hash] = self.run_count

    def use(self, ref_hash: str) -> None:
        if ref_hash not in self.entries:
            raise ProtocolError(f"cached ForwardMsg miss {ref_hash}")
        self.entries[ref_hash] = self.run_count

    def finish_run(self) -> None:
        self.run_count += 1
        for key, used in list(self.entries.items()):
            if self.run_count - used > self.max_age:
                del self.entries[key]


class Visitor:
    """One browser session: HTTP warm-up, websocket, script runs.

    Parameters
    ----------
    page_url
        ``http://127.0.0.1:PORT/map`` (path = page, query string = the link's settings).
    widget_key
        Key of the number input that :meth:`rerun` changes.
    """

    def __init__(self, page_url: str, *, widget_key: str = "om_radius") -> None:
        parts = urlsplit(page_url)
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.page_name = parts.path.strip("/")
        self.query_string = parts.query
        self.widget_key = widget_key
        self.cookies: dict[str, str] = {}
        self.widget_id = ""
        self.widget_kind = "number_input"
        self.widget_value: float | None = None
        self.page_script_hash = ""
        self.exceptions: list[str] = []
        self.markdown: list[str] = []  # text of the markdown elements of the last run
        self._cache = _Cache()
        self._ws: ClientConnection | None = None

    # ------------------------------------------------------------------ HTTP and connection
    def _get(self, path: str, timeout_s: float) -> bytes:
        req = urllib.request.Request(self.base + path)
        if self.cookies:
            req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:
            for header in resp.headers.get_all("Set-Cookie") or []:
                name, _, value = header.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value.strip()
            return bytes(resp.read())

    def _http_warmup(self, timeout_s: float) -> None:
        path = "/" + self.page_name + (f"?{self.query_string}" if self.query_string else "")
        self._get(path, timeout_s)
        self._get("/_stcore/health", timeout_s)
        self._get("/_stcore/host-config", timeout_s)

    async def open(self, *, timeout_s: float = 60.0) -> RunOutcome:
        """Load the page as a browser does and run its script once (the first visit)."""
        t0 = time.perf_counter()
        await asyncio.to_thread(self._http_warmup, timeout_s)
        ws_url = self.base.replace("http", "ws", 1) + "/_stcore/stream"
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        token = self.cookies.get(XSRF_COOKIE, "PLACEHOLDER_AUTH_TOKEN")
        self._ws = await asyncio.wait_for(
            connect(ws_url, subprotocols=["streamlit", token], origin=self.base,
                    additional_headers=headers, max_size=None, open_timeout=timeout_s,
                    compression=None),
            timeout_s)
        out = await self._run(self._rerun_msg(None), timeout_s)
        if not self.widget_id and not out.error:
            # Origin Map's Map page draws its sidebar's widgets only once the map has reported
            # back (a browser's component does, which reruns the page): do the same, so that
            # a first visit costs what it costs a browser, two runs.
            second = await self._run(self._rerun_msg(None), timeout_s)
            out.bytes_in += second.bytes_in
            out.messages += second.messages
            out.error = second.error
        out.latency_s = time.perf_counter() - t0
        return out

    async def close(self) -> None:
        """Close the websocket (the server keeps the session for its reconnect TTL)."""
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    # ------------------------------------------------------------------ script runs
    async def rerun(self, value: float, *, timeout_s: float = 60.0) -> RunOutcome:
        """Set the number input to ``value``, rerun, wait for ``script_finished``."""
        if not self.widget_id:
            raise ProtocolError(f"no number input with key {self.widget_key!r} on the page")
        self.widget_value = value
        return await self._run(self._rerun_msg(value), timeout_s)

    def _rerun_msg(self, value: float | None) -> BackMsg:
        msg = BackMsg()
        rs = msg.rerun_script
        rs.query_string = self.query_string
        if self.page_script_hash:
            rs.page_script_hash = self.page_script_hash
        else:
            rs.page_name = self.page_name
        rs.cached_message_hashes.extend(self._cache.entries)
        rs.context_info.timezone = "Asia/Shanghai"
        rs.context_info.timezone_offset = -480
        rs.context_info.locale = "en-US"
        rs.context_info.url = f"{self.base}/{self.page_name}"
        if value is not None:
            widget = rs.widget_states.widgets.add()
            widget.id = self.widget_id
            if self.widget_kind == "text_input":  # Origin Map's numbers are typed as text
                widget.string_value = f"{value:g}"
            else:
                widget.double_value = value
        return msg

    async def _run(self, msg: BackMsg, timeout_s: float) -> RunOutcome:
        if self._ws is None:
            raise ProtocolError("not connected")
        t0 = time.perf_counter()
        self.markdown = []
        await self._ws.send(msg.SerializeToString())
        out = RunOutcome(0.0, 0, 0)
        async with asyncio.timeout(timeout_s):
            while True:
                data = await self._ws.recv()
                out.bytes_in += len(data)
                out.messages += 1
                fmsg = ForwardMsg()
                fmsg.ParseFromString(data)
                status = self._handle(fmsg)
                if status is not None:
                    break
        out.latency_s = time.perf_counter() - t0
        if status not in FINISHED_OK:
            out.error = f"script_finished status {status}"
        elif self.exceptions:
            out.error = "exception on the page: " + self.exceptions[-1][:200]
            self.exceptions.clear()
        return out

    def _handle(self, msg: ForwardMsg) -> int | None:
        """Update the visitor's state from one message; return the finish status if any."""
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            self._cache.use(msg.ref_hash)
        elif kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash
            self._cache.max_age = msg.new_session.config.max_cached_message_age or 2
        elif kind == "navigation":  # st.navigation: the page actually run
            self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "delta":
            self._cache.add(msg)
            self._read_element(msg)
        elif kind == "script_finished":
            if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                self._cache.finish_run()
            return int(msg.script_finished)
        return None

    def _read_element(self, msg: ForwardMsg) -> None:
        if msg.delta.WhichOneof("type") != "new_element":
            return
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "markdown":
            self.markdown.append(element.markdown.body)
        elif kind == "exception":
            self.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind in ("number_input", "text_input") and getattr(element, kind).id.endswith(
                "-" + self.widget_key):
            self.widget_id = getattr(element, kind).id
            self.widget_kind = kind
            if self.widget_value is None and kind == "text_input":
                ti = element.text_input
                text = ti.value if ti.HasField("value") else ti.default
                self.widget_value = float(text) if text else None
            elif self.widget_value is None:
                ni = element.number_input
                self.widget_value = ni.value if ni.HasField("value") else ni.default
