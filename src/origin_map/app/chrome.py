"""Streamlit's own English texts, said in the page's language (issue 16).

Streamlit writes some texts of its widgets in English whatever the page's language, with no
option to change them: the uploader's "Drag and drop a file here" (shown while a file is
dragged over it), "Add files", the multiselect's "Remove …" and "Clear all", "Help for …",
"Skip to main content", the chart toolbar's "Show data" and "Fullscreen", and others; most of
them are ``aria-label`` texts that a screen reader says. :func:`streamlit_texts` puts a small
script into the page that replaces each of these texts, where Streamlit writes it, with the
catalogue's (section ``[i18n16.streamlit]``), and keeps doing so as Streamlit redraws.

Only whole texts from the list below are replaced (or a listed beginning such as "Remove "
followed by a widget's own label); the replacements are catalogue texts, passed to the
script as JSON, so no user text reaches it. In English the list is empty and every text that
was replaced gets its original back.
"""

from __future__ import annotations

import json

import streamlit as st

from origin_map.i18n import text

# Streamlit's text -> catalogue key (i18n16.streamlit.<key>); the texts are Streamlit 1.67's.
EXACT = {
    "Skip to main content": "skip",
    "Sidebar": "sidebar",
    "Collapse sidebar": "collapse",
    "Expand sidebar": "expand",
    "Link to heading": "heading_link",
    "Choose an option": "choose",
    "Choose options": "choose",
    "Open": "open",
    "Close": "close",
    "Selected values": "selected",
    "Clear all": "clear_all",
    "Clear value": "clear",
    "Clear selection": "clear",
    "No results": "no_results",
    "Show data": "show_data",
    "Download as PNG": "download_png",
    "Download as SVG": "download_svg",
    "Copy Vega-Lite spec": "copy_spec",
    "Fullscreen": "fullscreen",
    "Close fullscreen": "exit_fullscreen",
    "Exit fullscreen": "exit_fullscreen",
    "Copy to clipboard": "copy",
    "Download as CSV": "download_csv",
    "Show/hide columns": "columns",
    "Search": "search",
    "Type to search": "search",
    "file upload": "file_upload",
    "Add files": "add_files",
    "add icon": "add",
    "Drag and drop a file here": "drag_file",
    "Drag and drop files here": "drag_file",
    "Press Enter to apply": "press_enter",
    "Running...": "running",
    "Stop": "stop",
}
# A text that begins with one of these and goes on with a label of ours: "{x}" is the rest.
PREFIX = {"Remove ": "remove", "Help for ": "help_for", "Fullscreen: ": "fullscreen_of"}

_SCRIPT = """<script>(function () {
var T = %s, S = window.omStTexts || (window.omStTexts = {done: []});
S.t = T;
function tr(v) {
  if (!v) { return null; }
  var k = v.trim();
  if (Object.prototype.hasOwnProperty.call(T.exact, k)) { return v.replace(k, T.exact[k]); }
  for (var i = 0; i < T.prefix.length; i++) {
    var p = T.prefix[i];
    if (k.indexOf(p[0]) === 0) { return p[1].replace('{x}', k.slice(p[0].length)); }
  }
  return null;
}
var ATTRS = ['aria-label', 'title', 'placeholder'];
function fixText(n) {
  var r = tr(n.nodeValue);
  if (r !== null && r !== n.nodeValue) { S.done.push([n, null, n.nodeValue]); n.nodeValue = r; }
}
function fixAttr(el, a) {
  var v = el.getAttribute(a), r = tr(v);
  if (r !== null && r !== v) { S.done.push([el, a, v]); el.setAttribute(a, r); }
}
function walk(root) {
  if (root.nodeType === 3) { fixText(root); return; }
  if (root.nodeType !== 1) { return; }
  ATTRS.forEach(function (a) { if (root.hasAttribute(a)) { fixAttr(root, a); } });
  var it = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT), n;
  while ((n = it.nextNode())) {
    if (n.nodeType === 3) { fixText(n); }
    else { ATTRS.forEach(function (a) { if (n.hasAttribute(a)) { fixAttr(n, a); } }); }
  }
}
var back = S.done; S.done = [];
back.forEach(function (d) {  // the language changed: originals back, then the new texts
  if (!d[0].isConnected) { return; }
  if (d[1] === null) { d[0].nodeValue = d[2]; } else { d[0].setAttribute(d[1], d[2]); }
});
if (!S.obs) {
  S.obs = new MutationObserver(function (ms) { ms.forEach(function (m) {
    if (m.type === 'characterData') { fixText(m.target); }
    else if (m.type === 'attributes') { fixAttr(m.target, m.attributeName); }
    else { m.addedNodes.forEach(walk); }
  }); });
  S.obs.observe(document.body, {subtree: true, childList: true, characterData: true,
                                attributes: true, attributeFilter: ATTRS});
}
walk(document.body);
})();</script>"""


def streamlit_texts(lang: str) -> None:
    """Put the script that says Streamlit's own texts in ``lang`` into the page (see above)."""
    if lang == "en":
        table: dict[str, object] = {"exact": {}, "prefix": []}
    else:
        key = "i18n16.streamlit."
        table = {"exact": {en: text(key + k, lang) for en, k in EXACT.items()},
                 "prefix": [[en, text(key + k, lang, x="{x}")] for en, k in PREFIX.items()]}
    payload = json.dumps(table, ensure_ascii=True).replace("</", "<\\/")
    st.sidebar.html(_SCRIPT % payload, unsafe_allow_javascript=True)
