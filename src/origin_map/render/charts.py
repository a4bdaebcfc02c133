"""Charts of the density table (Vega-Lite through altair), in the map's sector colours.

One palette everywhere: the colour of a sector is :attr:`origin_map.places.vocab.Sector.colour`, on
the map, in its legend and in these charts; the colour scale lists every sector of the chart
with its label in the chosen language, so the legend shows all of them.
This module does not import streamlit.
"""

from __future__ import annotations

import unicodedata

import altair as alt
import pandas as pd

from origin_map import i18n
from origin_map.places import vocab

__all__ = ["composition_chart", "cumulative_chart", "decay_chart", "density_chart",
           "history_chart", "ripley_chart", "sector_chart", "sector_scale", "text_width_px"]


def _ring_label(inner: float, outer: float) -> str:
    return f"{inner:g}–{outer:g} m"


def sector_scale(sectors: list[str], lang: str) -> alt.Scale:
    """Return the colour scale mapping the labels of ``sectors`` to their map colours."""
    return alt.Scale(domain=[vocab.sector_label(s, lang) for s in sectors],
                     range=[vocab.SECTOR_BY_ID[s].colour if s in vocab.SECTOR_BY_ID
                            else "#999999" for s in sectors])


def _present(sectors: pd.Series) -> list[str]:
    """Return the sectors among ``sectors`` in vocabulary order (others after, sorted)."""
    seen = set(sectors)
    return [s for s in vocab.SECTOR_IDS if s in seen] + sorted(seen - set(vocab.SECTOR_IDS))


LEGEND_COLUMNS = "max(1, min(4, floor(containerSize()[0] / 210)))"
"""Columns of a legend below a chart: as many as its container holds (one on a phone)."""


def text_width_px(label: str, *, latin_px: float = 6.0, wide_px: float = 14.5) -> float:
    """Return the width ``label`` takes in the app's type: per Latin and per CJK character.

    Measured on the screenshots (docs/screens.md): a chart legend's and a data grid's Source
    Sans take about 5.7 px a Latin character, Noto Sans CJK about 14 px a wide one.
    """
    return sum(wide_px if unicodedata.east_asian_width(ch) in "WF" else latin_px
               for ch in str(label))


def legend_columns(labels: list[str], room: str) -> str:
    """Return the Vega expression of a legend's columns when ``room`` px are left to it.

    A column takes its longest label (:func:`text_width_px`), the symbol and the padding
    (30 px); as many columns as fit, one at least, four at most.
    """
    entry = round(max((text_width_px(s) for s in labels), default=0) + 30)
    return f"max(1, min(4, floor(({room}) / {entry})))"


COUNT_AXIS = alt.Axis(tickMinStep=1, format="d")
"""An axis of places counted: whole numbers only (no 0.5, 1.5 … ticks when the counts are few)."""
BELOW = alt.AutoSizeParams(type="fit-x", contains="padding")
"""Fit the width only: the legend below adds to the height instead of squeezing the marks."""


def _sector_colour(sectors: list[str], lang: str, *, below: bool = False,
                   beside: str = "") -> alt.Color:
    """Colour by the ``label`` column, in the map's sector colours, every sector in the legend.

    ``below`` puts the legend under the chart in as many columns as fit (one on a phone, up
    to four on a desktop), each label whole, so that the marks keep the width of a phone or
    a tablet's column; such a chart is sized with :data:`BELOW`. ``beside`` is the room the
    y axis's labels may take (a Vega expression): a legend below starts under the plot, after
    them, so its columns are counted in what is left.
    """
    columns = LEGEND_COLUMNS if not beside else legend_columns(
        [vocab.sector_label(s, lang) for s in sectors], f"containerSize()[0] - ({beside}) - 30")
    where = {"orient": "bottom", "columns": alt.ExprRef(columns),
             "labelLimit": 200} if below else {"labelLimit": 260}
    return alt.Color("label:N", scale=sector_scale(sectors, lang),
                     legend=alt.Legend(title=i18n.text("chart.sector", lang), symbolLimit=0,
                                       **where))


def _ring_axis(order: list[str], title: str) -> alt.X:
    """Return the x axis of rings: labels level while four or fewer rings share the width."""
    return alt.X("ring:N", sort=order, title=title,
                 axis=alt.Axis(labelAngle=0) if len(order) <= 4 else alt.Axis())


def sector_chart(table: pd.DataFrame, lang: str) -> alt.Chart:
    """Stacked bars: places per sector in each ring (from a density table)."""
    t = lambda key: i18n.text(key, lang)  # noqa: E731
    per = table[(table["sector"] != "all") & (table["count"] > 0)].copy()
    sectors = _present(per["sector"])
    per["ring"] = [_ring_label(i, o) for i, o in zip(per["ring_inner_m"], per["ring_outer_m"],
                                                      strict=True)]
    per["label"] = per["sector"].map(lambda s: vocab.sector_label(s, lang))
    order = [_ring_label(i, o) for i, o in dict.fromkeys(zip(table["ring_inner_m"],
                                                             table["ring_outer_m"],
                                                             strict=True))]
    return alt.Chart(per).mark_bar().encode(
        x=_ring_axis(order, t("chart.ring_m")),
        y=alt.Y("count:Q", title=t("chart.places"), axis=COUNT_AXIS),
        color=_sector_colour(sectors, lang, below=True),
        tooltip=[alt.Tooltip("label:N", title=t("chart.sector")),
                 alt.Tooltip("ring:N", title=t("chart.ring_m")),
                 alt.Tooltip("count:Q", title=t("chart.places"))],
    ).properties(title=t("chart.sector_title"), height=300, autosize=BELOW)


def density_chart(table: pd.DataFrame, lang: str) -> alt.Chart:
    """Bars: places per km² in each ring, all sectors."""
    t = lambda key: i18n.text(key, lang)  # noqa: E731
    totals = table[table["sector"] == "all"].copy()
    totals["ring"] = [_ring_label(i, o) for i, o in zip(totals["ring_inner_m"],
                                                         totals["ring_outer_m"], strict=True)]
    return alt.Chart(totals).mark_bar(color="#555555").encode(
        x=_ring_axis(list(totals["ring"]), t("chart.ring_m")),
        y=alt.Y("density_per_km2:Q", title=t("chart.density")),
        tooltip=[alt.Tooltip("ring:N", title=t("chart.ring_m")),
                 alt.Tooltip("density_per_km2:Q", title=t("chart.density"), format=".1f")],
    ).properties(title=t("chart.density_title"), height=320)


def cumulative_chart(table: pd.DataFrame, lang: str) -> alt.Chart:
    """Line: places within each distance from the centre (metres), all sectors.

    The x scale reaches 4 % beyond the last ring, so that its point is drawn whole, not cut
    in half by the plot's right edge.
    """
    t = lambda key: i18n.text(key, lang)  # noqa: E731
    totals = table[table["sector"] == "all"]
    cum = pd.concat([pd.DataFrame({"ring_outer_m": [0], "cumulative_count": [0]}),
                     totals[["ring_outer_m", "cumulative_count"]]], ignore_index=True)
    last = float(cum["ring_outer_m"].max()) or 1.0
    return alt.Chart(cum).mark_line(point=True, color="#d62728").encode(
        x=alt.X("ring_outer_m:Q", title=t("chart.distance_m"),
                scale=alt.Scale(domain=[0, last * 1.04], nice=False)),
        y=alt.Y("cumulative_count:Q", title=t("chart.places_within")),
        tooltip=[alt.Tooltip("ring_outer_m:Q", title=t("chart.distance_m")),
                 alt.Tooltip("cumulative_count:Q", title=t("chart.places_within"))],
    ).properties(title=t("chart.cumulative_title"), height=320)


def ripley_chart(curves: pd.DataFrame, lang: str) -> alt.Chart:
    """Ripley's L(d) − d (metres) against distance, inside its envelope from random points."""
    t = lambda key: i18n.text(key, lang)  # noqa: E731
    data = curves[curves["curve"] == "L_minus_d"]
    x = alt.X("distance_m:Q", title=t("chart.distance_d_m"), scale=alt.Scale(padding=8))
    band = alt.Chart(data).mark_area(opacity=0.25, color="#888888").encode(
        x=x, y=alt.Y("lo:Q", title=t("chart.l_minus_d")), y2="hi:Q")
    line = alt.Chart(data).mark_line(point=True, color="#d62728").encode(
        x=x, y="observed:Q",
        tooltip=[alt.Tooltip("distance_m:Q", title=t("chart.distance_d_m")),
                 alt.Tooltip("observed:Q", title=t("chart.l_minus_d"), format=".1f"),
                 alt.Tooltip("lo:Q", title=t("chart.envelope_lo"), format=".1f"),
                 alt.Tooltip("hi:Q", title=t("chart.envelope_hi"), format=".1f")])
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#444444").encode(y="y:Q")
    return (band + zero + line).properties(title=t("chart.ripley_title"), height=300)


def decay_chart(curves: pd.DataFrame, lang: str) -> alt.Chart:
    """Density per ring (places per km²) against distance, beside the uniform expectation."""
    t = lambda key: i18n.text(key, lang)  # noqa: E731
    data = curves[curves["curve"] == "density"].copy()
    data["ring"] = [_ring_label(i, o) for i, o in zip(data["ring_inner_m"], data["distance_m"],
                                                       strict=True)]
    x = _ring_axis(list(data["ring"]), t("chart.ring_m"))
    bars = alt.Chart(data).mark_bar(color="#555555").encode(
        x=x, y=alt.Y("observed:Q", title=t("chart.density")),
        tooltip=[alt.Tooltip("ring:N", title=t("chart.ring_m")),
                 alt.Tooltip("observed:Q", title=t("chart.density"), format=".1f"),
                 alt.Tooltip("expected:Q", title=t("chart.uniform"), format=".1f")])
    level = alt.Chart(data).mark_rule(color="#d62728", strokeDash=[6, 4]).encode(
        y="mean(expected):Q")
    return (bars + level).properties(title=t("chart.decay_title"), height=300)


HUB_LABELS = "containerSize()[0] < 600 ? 130 : 320"
"""Room for a hub's name beside its bar: a little on a phone, the whole name on a desktop."""


def composition_chart(composition: pd.DataFrame, lang: str) -> alt.Chart:
    """Share of each sector among each hub's places (stacked to 100 %), in the map colours."""
    t = lambda key: i18n.text(key, lang)  # noqa: E731
    data = composition[composition["count"] > 0].copy()
    sectors = _present(data["sector"])
    data["label"] = data["sector"].map(lambda s: vocab.sector_label(s, lang))
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("hub:N", title=None, axis=alt.Axis(labelLimit=alt.ExprRef(HUB_LABELS))),
        x=alt.X("share:Q", stack="normalize", title=t("chart.share"),
                axis=alt.Axis(format="%", tickCount=4, labelOverlap=True)),
        color=_sector_colour(sectors, lang, below=True, beside=HUB_LABELS),
        tooltip=[alt.Tooltip("hub:N", title=t("chart.hub")),
                 alt.Tooltip("label:N", title=t("chart.sector")),
                 alt.Tooltip("count:Q", title=t("chart.places"))],
    ).properties(title=t("chart.composition_title"),
                 height=56 * max(data["hub"].nunique(), 2), autosize=BELOW)


def history_chart(history: pd.DataFrame, lang: str, *, title: str = "") -> alt.Chart:
    """Stacked bars: places present each year, by sector (from a history table).

    The table is :func:`origin_map.measure.history.history_table`; the legend sits below the
    bars so that they keep the width on a phone.
    """
    t = lambda key: i18n.text(key, lang)  # noqa: E731
    data = history[history["count"] > 0].copy()
    sectors = _present(data["sector"])
    data["label"] = data["sector"].map(lambda s: vocab.sector_label(s, lang))
    colour = _sector_colour(sectors, lang, below=True)
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("year:O", title=t("ui16.chart_year"),
                axis=alt.Axis(labelAngle=0, values=[y for y in sorted(set(data["year"]))
                                                    if y % 5 == 0])),
        y=alt.Y("count:Q", stack="zero", title=t("chart.places"), axis=COUNT_AXIS),
        color=colour, order=alt.Order("sector_order:Q"),
        tooltip=[alt.Tooltip("year:O", title=t("ui16.chart_year")),
                 alt.Tooltip("label:N", title=t("chart.sector")),
                 alt.Tooltip("count:Q", title=t("chart.places"))],
    ).transform_calculate(sector_order=f"indexof({sectors!r}, datum.sector)").properties(
        title=title or t("ui16.history_title"), height=260, autosize=BELOW)
