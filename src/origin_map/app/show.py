"""Showing things safely and in the user's language: escaped text, tables, place details."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from origin_map.errors import TEXT_COLUMNS, problems_in
from origin_map.i18n import names, text
from origin_map.places import vocab
from origin_map.places.citation import public_source
from origin_map.render.charts import text_width_px

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>~$:"})


def md_escape(value: object) -> str:
    """Escape user text for ``st.markdown``: no markup, links, HTML or math from data."""
    return str(value if value is not None else "").translate(_MD_SPECIAL).replace("\n", " ")


def column_labels(columns: Sequence[str], lang: str) -> dict[str, str]:
    """Return ``{column: header}`` for the columns that have a header in the catalogue.

    Data columns keep their names in exported files; only what the table shows is translated.
    """
    out = {}
    for col in columns:
        key = f"column.{col}"
        try:
            out[col] = text(key, lang)
        except KeyError:
            continue
    return out


def _sector_or_all(value: str, lang: str) -> str:
    return text("report.all", lang) if value == "all" else vocab.sector_label(value, lang)


_VALUE_LABELS: dict[str, Callable[[str, str], str]] = {
    "sector": _sector_or_all, "kind": vocab.kind_label, "status": vocab.status_label,
    "position_quality": vocab.quality_label,
    "source_datum": lambda v, lang: vocab.datum_name(v),
    "coverage_status": lambda v, lang: _coverage_status(v, lang),
}
"""Columns whose values are ids of a vocabulary: shown by their label, kept as ids."""
_SOURCES = ("source", "years_source")


def _coverage_status(value: str, lang: str) -> str:
    try:
        return text(f"ui16.status_{value}", lang)
    except KeyError:
        return value


def value_columns(frame: pd.DataFrame, lang: str) -> dict[str, Any]:
    """Return column settings that show vocabulary ids (``large_models``) by their label.

    The cells keep the ids (what a download holds); only the display is translated. The grid
    sizes such a column by its ids (``public``), which cut a longer label ("Public places &
    transport", "公共设施与交通"): the column is given the width of its longest label.
    """
    labels = column_labels(list(frame.columns), lang)
    out: dict[str, Any] = {}
    for col, label_of in _VALUE_LABELS.items():
        if col not in frame.columns:
            continue
        values = [str(v) for v in pd.unique(frame[col].dropna().astype(str))]
        shown = [label_of(v, lang) for v in values] + [labels.get(col, col)]
        out[col] = st.column_config.SelectboxColumn(
            labels.get(col), options=values, width=label_width(shown),
            format_func=lambda v, f=label_of: f(str(v), lang))  # type: ignore[misc]
    return out


def label_width(labels: Sequence[str]) -> int:
    """Return the width (px) of a data-grid column that shows the longest of ``labels`` whole.

    The text (:func:`~origin_map.render.charts.text_width_px`) and the cell's padding, at
    most 320 px (a longer text is cut, whole on hover).
    """
    return min(320, round(max((text_width_px(s) for s in labels), default=0) + 24))


def reader_order(frame: pd.DataFrame, first: Sequence[str] = ()) -> list[str]:
    """Return the columns in the order a reader needs them, on a phone too.

    ``first`` (those present) lead; a column holding one value on every row (the centre of a
    one-centre table, the H3 resolution) tells nothing row by row and goes last, so that the
    columns that differ come into the narrow view. The data keep their order.
    """
    cols = [str(c) for c in frame.columns]
    lead = [c for c in first if c in cols]
    rest = [c for c in cols if c not in lead]
    if len(frame) > 1:
        same = [c for c in rest if frame[c].astype(str).nunique(dropna=False) <= 1]
        rest = [c for c in rest if c not in same] + same
    return lead + rest


def centre_column(centre: Any, lang: str) -> Any:
    """Return the column config that shows a one-centre table's ``centre_id`` as its name.

    The name is in ``lang``; the data (and the CSV download) keep the id.
    """
    return st.column_config.SelectboxColumn(
        text("column.centre_id", lang), options=[centre.id],
        format_func=lambda c: centre.name(lang) if str(c) == centre.id else str(c))


def table(frame: pd.DataFrame, lang: str, *, column_config: dict[str, Any] | None = None,
          **kwargs: Any) -> None:
    """Show a table with headers and vocabulary values in ``lang`` (the data keep their ids).

    Source columns show :func:`~origin_map.places.citation.public_source`: publications and
    links, never a repository path.
    """
    labels = column_labels(list(frame.columns), lang)
    config: dict[str, Any] = {col: st.column_config.Column(label)
                              for col, label in labels.items()}
    config.update(value_columns(frame, lang))
    config.update(column_config or {})
    kwargs.setdefault("column_order", reader_order(frame))
    if "height" not in kwargs and len(frame) <= 60:
        kwargs["height"] = "content"  # a short table shows every row, none cut
    sources = [c for c in _SOURCES if c in frame.columns]
    if sources:
        frame = frame.assign(**{c: frame[c].map(public_source) for c in sources})
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config, **kwargs)


def chart(figure: Any, where: Any = None) -> None:
    """Show an altair chart across its column, with its title above it as text.

    Vega draws a chart's title on one line and cuts it where the chart is narrower (a phone:
    "Ripley's L(d) − d with the envelope of rando…"); as text above the chart it wraps.
    """
    import altair as alt  # the caller has made a chart: altair is imported already

    where = st if where is None else where
    title = getattr(figure, "title", alt.Undefined)
    if isinstance(title, str) and title:
        figure = figure.copy(deep=False)
        figure.title = alt.Undefined
        where.markdown(f"**{md_escape(title)}**")
    where.altair_chart(figure, width="stretch")


def _css_text(value: str) -> str:
    """Return catalogue text as the body of a CSS string (no quote or tag can end it)."""
    return "".join(ch if ch.isalnum() or ch in " ·.,()（）" else f"\\{ord(ch):x} "
                   for ch in value)


def colour_swatch(colour: str) -> str:
    """Return a small SVG image (a data URL) filled with a ``#rrggbb`` colour, for tables."""
    import re
    from urllib.parse import quote

    fill = colour if re.fullmatch(r"#[0-9a-fA-F]{6}", colour) else "#999999"
    return "data:image/svg+xml;utf8," + quote(
        "<svg xmlns='http://www.w3.org/2000/svg' width='48' height='16'>"
        f"<rect width='48' height='16' rx='3' fill='{fill}'/></svg>")


def uploader_texts(lang: str, types: Sequence[str]) -> None:
    """Show a file uploader's own texts in ``lang``: its button and its limits line.

    Streamlit draws "Upload" and "200MB per file • CSV, …" in English whatever the page's
    language, and has no option for them. Its limits line is hidden with CSS and said in a
    caption from the catalogue instead; the button's text is replaced by the catalogue's
    through CSS ``content`` (catalogue text only, escaped: no user text reaches the style).
    """
    from origin_map.limits import MAX_UPLOAD_MB

    # only the browse button (a direct child of the empty drop zone): not a picked file's
    # remove button nor the "+" beside it, which would show the text twice (issue 16)
    button = "[data-testid='stFileUploaderDropzone'] > span > button"
    st.html("<style>[data-testid='stFileUploaderDropzoneInstructions']{display:none}"
            f"{button}{{font-size:0}}"
            f"{button} *{{font-size:0}}"
            f"{button} [data-testid='stIconMaterial']{{font-size:1.25rem}}"
            f"{button}::after{{content:\"{_css_text(text('ui16.upload_button', lang))}\";"
            "font-size:0.875rem}</style>")
    st.caption(text("ui16.upload_limits", lang, mb=MAX_UPLOAD_MB,
                    types=" ".join(f"`.{t}`" for t in types)))


def problems_table(problems: pd.DataFrame, lang: str) -> None:
    """Show a problems table (row, field, value, problem, fix, severity) in ``lang``.

    The texts are made again in ``lang`` from their keys (:func:`~origin_map.errors.problems_in`)
    and the keys are not shown. The rows-left-out download (``LoadResult.rejected_report``)
    stays in English: it is the file the CLI writes, shared as it is.
    """
    shown = problems_in(problems, lang)
    shown = shown.loc[:, [c for c in shown.columns if c not in TEXT_COLUMNS]]
    if "problem" not in shown.columns:  # a table of Problem.as_dict() rows
        shown = shown.rename(columns={"message": "problem"})
    if "severity" in shown.columns:
        shown = shown.assign(severity=[
            text(f"validate.severity.{s}", lang) if s in ("error", "warning", "info") else s
            for s in shown["severity"]])
    for col in ("row", "field", "value"):  # a problem of the whole file has no row: "–"
        if col in shown.columns and shown[col].isna().any():
            shown = shown.assign(**{col: shown[col].astype(object).where(shown[col].notna(),
                                                                          "–")})
    order = [c for c in ("row", "problem", "fix", "field", "value", "severity")
             if c in shown.columns]  # the fix beside the problem: in view on a phone
    order += [c for c in shown.columns if c not in order]
    if len(shown) > FEW_PROBLEMS:
        table(shown, lang, column_order=order)
        return
    _problems_as_text(shown, lang)  # wrapped: a data grid cuts "how to fix" on a phone
    with st.expander(text("fix16.problems_table", lang)):
        table(shown, lang, column_order=order)


FEW_PROBLEMS = 8
"""Up to this many problems are also written out one by one, wrapped (a phone shows them whole)."""

_VALUE_CHARS = 80
"""A value quoted in a problem's text is cut here (whole in the table and the downloads)."""


def _problems_as_text(shown: pd.DataFrame, lang: str) -> None:
    """Write each problem as a list item: where (row, field, value), what, and how to fix."""
    items = []
    for rec in shown.to_dict("records"):
        row, field, value = (rec.get(c, "–") for c in ("row", "field", "value"))
        number = f"{int(float(row))}" if _number(row) else md_escape(row)
        where = [text("fix16.row", lang, row=number) if _given(row)
                 else text("fix16.whole_file", lang)]
        if _given(field):
            where.append(text("fix16.field", lang, field=md_escape(field)))
        if _given(value):
            cut = str(value)[:_VALUE_CHARS] + ("…" if len(str(value)) > _VALUE_CHARS else "")
            where.append(text("fix16.value", lang, value=md_escape(cut)))
        if _given(rec.get("severity")):
            where.append(md_escape(rec["severity"]))
        line = "- " + text("fix16.item", lang, where=" · ".join(where),
                           problem=md_escape(rec.get("problem", "")))
        if _given(rec.get("fix")):
            line += "  \n  " + text("fix16.fix", lang, fix=md_escape(rec["fix"]))
        items.append(line)
    st.markdown("\n".join(items))


def _given(value: Any) -> bool:
    """Whether a problems table's cell holds something (not empty, NaN or "–")."""
    return value is not None and not (isinstance(value, float) and value != value) \
        and str(value).strip() not in ("", "–")


def _number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def empty_selection(lang: str, view: Any = None, *, in_area: bool = False) -> None:
    """Say why nothing is counted, and how to change that.

    With the ``view``, the message names the cause: no sector, kind or quality chosen; the
    drawn or uploaded area (``in_area``) holding none of the places; the year, before which
    no place with a known start year was there; or the search.
    """
    flt = getattr(view, "place_filter", None)
    if flt is None or any(v is not None and not len(v)
                          for v in (flt.sectors, flt.kinds, flt.qualities)):
        st.info(text("common.empty_selection", lang))
    elif in_area:
        st.info(text("ui16.empty_area", lang, name=md_escape(view.area.name)))
    elif flt.year is not None:
        st.info(text("ui16.empty_year", lang, year=flt.year))
    elif flt.search:
        st.info(text("ui16.empty_search", lang, search=md_escape(flt.search)))
    else:
        st.info(text("common.empty_selection", lang))


def place_details(places: pd.DataFrame, lang: str) -> None:
    """Show the details of the given places (e.g. all tenants at a clicked point)."""
    if places.empty:  # itertuples would still take every column out (a first run's cost)
        return
    for i, row in enumerate(places.itertuples()):
        first, second = names(row.name_zh, row.name_en, lang)
        with st.container(key=f"om_data_name_{i}"):  # om_data: the data's own words
            st.markdown(f"**{md_escape(first or second or row.id)}**"
                        + (f"  \n{md_escape(second)}" if first and second else ""))
        st.text(text("details.line", lang, kind=vocab.kind_label(row.kind, lang),
                     sector=vocab.sector_label(row.sector, lang),
                     distance=f"{row.distance_m:,.0f}",
                     quality=vocab.quality_label(row.position_quality, lang),
                     status=vocab.status_label(row.status, lang)))
        years = _years(row)
        if years:
            st.text(text("details.years", lang, years=years))
        _source_words(i, row, lang)
        st.divider()


def _source_words(i: int, row: Any, lang: str) -> None:
    """Show a place's address, position note and source: data, in the source's own words.

    They are not translated (a note or a source is quoted, never machine-translated); a
    catalogue line says so, and their container's key (``om_data…``) marks them as data.
    """
    st.caption(text("i18n16.source_words", lang))
    with st.container(key=f"om_data_source_{i}"):
        if row.address:
            st.text(str(row.address))
        if getattr(row, "position_note", ""):
            st.caption(md_escape(row.position_note))
        st.text(public_source(row.source))


def bring_into_view(click: object, *, below_px: int = 640) -> None:
    """Scroll to what follows (a clicked place's details) on a narrow screen, once per click.

    On a phone the columns stack and the details come below the map, out of view; on wider
    screens they are beside it and nothing moves. Only this fixed script runs (no user text).
    """
    seen = st.session_state.get("om_view_click")
    st.session_state["om_view_click"] = click
    if click is None or click == seen:
        return
    st.html("<span id='om-details'></span><script>(function () {"
            f"if (window.innerWidth >= {int(below_px)}) {{ return; }}"
            "var el = document.getElementById('om-details');"
            "if (el) { el.scrollIntoView({behavior: 'smooth', block: 'start'}); }"
            "})();</script>", unsafe_allow_javascript=True)


def _year(value: object) -> str:
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return "" if pd.isna(number) else str(int(number))


def _years(row: object) -> str:
    fmt = [_year(getattr(row, col, None)) for col in ("since", "until")]
    if not any(fmt):
        return ""
    return f"{fmt[0] or '?'}–{fmt[1]}"
