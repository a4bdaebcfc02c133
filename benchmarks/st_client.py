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

5. buttons (:meth:`Visitor.click`: ``trigger_value``), downloads (:meth:`Visitor.download`:
   ``GET`` the media URL of a download button), another page of the same session
   (:meth:`Visitor.goto`: ``rerun_script`` with the page's name and a query string);
6. uploads (:meth:`Visitor.upload`), as the browser's ``FileUploadClient`` does: a
   ``BackMsg.file_urls_request`` (a request id, the file's name, the session id of
   ``new_session.initialize``) answered by ``ForwardMsg.file_urls_response`` (a file id and its
   upload and delete URLs, ``/_stcore/upload_file/<session_id>/<file_id>``); a multipart ``PUT``
   of the file to the upload URL (one part named after the file, with the ``X-Xsrftoken``
   header = the ``_streamlit_xsrf`` cookie, and the cookie); then a rerun whose widget state for
   the uploader is a ``file_uploader_state_value`` (name, size, file id, the URLs).
   :meth:`Visitor.remove_upload` is the uploader's "x": ``DELETE`` of the delete URL and a rerun
   with an empty state. A visitor who leaves sends nothing: the server forgets the session's
   files when it forgets the session (``disconnectedSessionTTL`` after the websocket closed).

Only the changed widget is sent in ``widget_states``; the other widgets keep their values
on the server (a browser sends every widget's value; the script work is the same). Component
values a browser's iframe would post back (``st_folium``'s initial state) are not sent.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin, Subprotocol

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
        self.alerts: list[str] = []  # text of st.success / info / warning / error, last run
        self.session_id = ""
        self.ids: dict[str, str] = {}  # widget key -> widget id (buttons, uploaders, ...)
        self.urls: dict[str, str] = {}  # download button key -> its media URL
        self.uploads: dict[str, UploadedFileInfo] = {}  # uploader key -> the file it holds
        self._cache = _Cache()
        self._ws: ClientConnection | None = None

    # ------------------------------------------------------------------ HTTP and connection
    def _get(self, path: str, timeout_s: float) -> bytes:
        return self._http("GET", path, timeout_s)

    def _http(self, method: str, path: str, timeout_s: float, *, body: bytes | None = None,
              headers: dict[str, str] | None = None) -> bytes:
        req = urllib.request.Request(self.base + path, data=body, method=method,
                                     headers=headers or {})
        if self.cookies:
            req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method not in ("GET", "HEAD") and XSRF_COOKIE in self.cookies:
            req.add_header("X-Xsrftoken", self.cookies[XSRF_COOKIE])  # as csrfRequest does
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
            connect(ws_url, subprotocols=[Subprotocol("streamlit"), Subprotocol(token)],
                    origin=Origin(self.base),
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

    async def click(self, key: str, *, timeout_s: float = 120.0) -> RunOutcome:
        """Press the button keyed ``key`` and wait for the run it starts."""
        msg = self._rerun_msg(None)
        state = msg.rerun_script.widget_states.widgets.add()
        state.id = self._id(key)
        state.trigger_value = True
        return await self._run(msg, timeout_s)

    def download(self, key: str, *, timeout_s: float = 60.0) -> int:
        """GET the file of the download button keyed ``key``; return its size in bytes."""
        if key not in self.urls:
            raise ProtocolError(f"no download button with key {key!r} on the page")
        return len(self._get(self.urls[key], timeout_s))

    async def goto(self, page_name: str, query_string: str | None = None, *,
                   timeout_s: float = 120.0) -> RunOutcome:
        """Go to another page of the app in this session (its own query string if given)."""
        self.page_name, self.page_script_hash = page_name.strip("/"), ""
        if query_string is not None:
            self.query_string = query_string
        self.ids, self.urls = {}, {}
        return await self._run(self._rerun_msg(None), timeout_s)

    async def upload(self, key: str, name: str, data: bytes, mime: str = "text/csv", *,
                     timeout_s: float = 120.0) -> RunOutcome:
        """Pick ``data`` as file ``name`` in the uploader keyed ``key``; wait for the rerun.

        The browser's three steps: ask for the file's URLs on the websocket, ``PUT`` the file
        (multipart), rerun with the uploader's new state.
        """
        widget_id = self._id(key)
        urls = await self._file_urls(name, timeout_s)
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; "
                f"filename=\"{name}\"\r\nContent-Type: {mime}\r\n\r\n").encode() + data + (
                    f"\r\n--{boundary}--\r\n").encode()
        await asyncio.to_thread(
            self._http, "PUT", urls.upload_url, timeout_s, body=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        info = UploadedFileInfo(name=name, size=len(data), file_id=urls.file_id)
        info.file_urls.CopyFrom(urls)
        self.uploads[key] = info
        return await self._run(self._uploader_msg(widget_id, [info]), timeout_s)

    async def remove_upload(self, key: str, *, timeout_s: float = 120.0) -> RunOutcome:
        """Remove the uploader's file as its "x" does: ``DELETE``, then rerun without it."""
        info = self.uploads.pop(key)
        await asyncio.to_thread(self._http, "DELETE", info.file_urls.delete_url, timeout_s)
        return await self._run(self._uploader_msg(self._id(key), []), timeout_s)

    async def _file_urls(self, name: str, timeout_s: float) -> Any:
        """Ask for one file's upload URLs (``file_urls_request``); return its ``FileURLs``."""
        if self._ws is None or not self.session_id:
            raise ProtocolError("not connected (no session id yet)")
        msg = BackMsg()
        request_id = uuid.uuid4().hex
        msg.file_urls_request.request_id = request_id
        msg.file_urls_request.file_names.append(name)
        msg.file_urls_request.session_id = self.session_id
        await self._ws.send(msg.SerializeToString())
        async with asyncio.timeout(timeout_s):
            while True:
                fmsg = ForwardMsg()
                fmsg.ParseFromString(await self._ws.recv())
                if (fmsg.WhichOneof("type") == "file_urls_response"
                        and fmsg.file_urls_response.response_id == request_id):
                    break
                self._handle(fmsg)
        response = fmsg.file_urls_response
        if response.error_msg or len(response.file_urls) != 1:
            raise ProtocolError(f"file URLs refused: {response.error_msg or 'no URL'}")
        return response.file_urls[0]

    def _uploader_msg(self, widget_id: str, files: list[UploadedFileInfo]) -> BackMsg:
        msg = self._rerun_msg(None)
        state = msg.rerun_script.widget_states.widgets.add()
        state.id = widget_id
        state.file_uploader_state_value.uploaded_file_info.extend(files)
        return msg

    def _id(self, key: str) -> str:
        if key not in self.ids:
            raise ProtocolError(f"no widget with key {key!r} on the page")
        return self.ids[key]

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
        self.markdown, self.alerts = [], []
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
            self.session_id = msg.new_session.initialize.session_id or self.session_id
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
        widget: Any = getattr(element, kind) if kind else None
        widget_id = getattr(widget, "id", "")
        if isinstance(widget_id, str) and widget_id.startswith("$$ID-"):  # $$ID-<hash>-<key>
            key = widget_id.split("-", 2)[-1]
            self.ids[key] = widget_id
            if kind == "download_button" and widget.url:
                self.urls[key] = widget.url
        if kind == "markdown":
            self.markdown.append(element.markdown.body)
        elif kind == "alert":
            self.alerts.append(element.alert.body)
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
