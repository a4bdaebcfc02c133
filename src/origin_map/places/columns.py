"""The columns of a places file: the canonical names and the header names they are known by.

``lat``/``latitude``/``纬度``, ``name``/``名称``, ``sector``/``行业``, and the columns of
registry and company-database exports (``企业名称``, ``注册地址``, ``登记状态``, ``成立日期``,
``所属行业`` …).
The one home of column names: the places reader, the geocoder's input detection (which column
holds the addresses, whether a file has coordinates) and the Data page's "recognised columns"
all read this table. Imports nothing, so the geocoder recognises the same columns as the places
loader without loading it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMN_ALIASES", "FALLBACK_ALIASES", "KEPT_COLUMNS", "canonical_columns",
           "canonical_name", "column_for", "coordinate_positions", "recognised_columns"]

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "uid", "code", "编号", "代码", "统一社会信用代码", "社会信用代码", "信用代码",
           "unified social credit code", "credit code", "uscc", "序号"),
    "name_zh": ("name_zh", "中文名", "中文名称", "名称（中文）", "chinese_name"),
    "name_en": ("name_en", "english_name", "英文名", "英文名称", "name (english)"),
    "name": ("name", "名称", "名字", "企业名称", "公司名称", "机构名称", "单位名称", "企业名",
             "公司名", "title", "place", "company name", "company", "enterprise name",
             "firm name"),
    "kind": ("kind", "type", "类型", "机构类型"),
    "sector": ("sector", "行业", "领域", "category", "类别"),
    "status": ("status", "状态", "登记状态", "经营状态", "企业状态", "registration status",
               "operating status", "company status", "business status"),
    "address": ("address", "地址", "详细地址", "addr", "办公地址", "office address", "通信地址",
                "通讯地址", "联系地址", "所在地址", "企业地址", "公司地址", "经营地址",
                "business address", "mailing address", "注册地址", "registered address",
                "住所", "registered office"),
    "lat": ("lat", "latitude", "纬度", "lat_wgs84", "wgs84_lat", "y"),
    "lon": ("lon", "lng", "long", "longitude", "经度", "lon_wgs84", "wgs84_lon", "x"),
    "position_quality": ("position_quality", "quality", "位置精度"),
    "position_note": ("position_note", "note", "notes", "备注"),
    "source": ("source", "来源", "数据来源"),
    "source_datum": ("source_datum", "datum", "坐标系"),
    "source_lat": ("source_lat",),
    "source_lon": ("source_lon",),
    "building_id": ("building_id", "楼宇编号"),
    "since": ("since", "since_year", "起始年份", "成立日期", "成立时间", "注册日期",
              "established", "establishment date", "date of establishment", "date established",
              "founded", "incorporation date", "registration date"),
    "until": ("until", "until_year", "截止年份"),
    "years_source": ("years_source", "年份来源"),
    "status_source": ("status_source", "状态来源"),
    "status_checked": ("status_checked", "status_date", "状态核实日期"),
    # columns of registry and company-database exports, kept after the places columns
    "industry": ("industry", "所属行业", "国标行业", "行业门类", "行业分类", "所属产业",
                 "industry category"),
    "scope": ("scope", "经营范围", "business scope"),
    "capital": ("capital", "注册资本", "注册资金", "registered capital", "注册资本(万元)",
                "注册资本（万元）", "注册资本(万)", "注册资本（万）"),
    "closed_date": ("closed_date", "注销日期", "吊销日期", "cancellation date",
                    "revocation date", "deregistration date"),
    "approved_date": ("approved_date", "核准日期", "approval date", "date of approval"),
}
"""The canonical columns of a places table and the names each is recognised by (any case)."""
FALLBACK_ALIASES: frozenset[str] = frozenset({
    "序号", "注册地址", "registered address", "住所", "registered office"})
"""Names that give their column only when no column has another name of it: an office address
is preferred to a registered one (the other is kept under its own name), a credit code or an id
to a row number (``序号``)."""
KEPT_COLUMNS = ("industry", "scope", "capital", "capital_cny", "closed_date", "approved_date")
"""Recognised columns that are no column of the places table: kept after it, under these names
(``capital_cny`` is made from ``capital``). ``industry`` is never taken for ``sector``."""
_LOOKUP = {alias.lower(): canon for canon, aliases in COLUMN_ALIASES.items() for alias in aliases}


def canonical_name(column: object) -> str | None:
    """Return the canonical column a header name stands for (``纬度`` → ``lat``), else None."""
    return _LOOKUP.get(str(column).strip().lower())


def _assigned(header: Any) -> dict[str, int]:
    """Return canonical column -> position of the column that gets it.

    The first column with a name of a canonical column gets it; a fallback name
    (:data:`FALLBACK_ALIASES`) only when no column has another name of it.
    """
    taken: dict[str, int] = {}
    for fallback in (False, True):
        for i, col in enumerate(header):
            canon = canonical_name(col)
            is_fallback = str(col).strip().lower() in FALLBACK_ALIASES
            if canon and canon not in taken and is_fallback == fallback:
                taken[canon] = i
    return taken


def coordinate_positions(header: Any) -> list[int]:
    """Return the positions of the columns that :func:`canonical_columns` makes lat and lon."""
    taken = _assigned(header)
    return [taken[c] for c in ("lat", "lon") if c in taken]


def column_for(header: Any, canon: str) -> str | None:
    """Return the header name of the column that the places reader takes for ``canon``.

    ``column_for(["企业名称", "注册地址", "办公地址"], "address")`` is ``"办公地址"``.
    """
    cols = list(header)
    pos = _assigned(cols).get(canon)
    return None if pos is None else str(cols[pos])


def recognised_columns(header: Any) -> list[tuple[str, str]]:
    """Return (canonical column, header name) of every recognised column, in table order.

    What the Data page shows as "name ← 企业名称, address ← 注册地址 …".
    """
    cols = list(header)
    taken = _assigned(cols)
    return [(c, str(cols[taken[c]])) for c in COLUMN_ALIASES if c in taken]


def canonical_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Rename recognised columns to canonical names; return the frame and the renames made.

    The column chosen by :func:`column_for` gets each canonical name; any other column keeps its
    name, made unique (``lat (column 3)``) when it would clash with a canonical one.
    """
    by_pos = {i: c for c, i in _assigned(frame.columns).items()}
    names: list[str] = []
    used = set(COLUMN_ALIASES)
    for i, col in enumerate(frame.columns):
        if i in by_pos:
            names.append(by_pos[i])
        elif str(col) in used:
            names.append(f"{col} (column {i + 1})")
        else:
            names.append(str(col))
        used.add(names[-1])
    notes = [f"'{a}' → {b}" for a, b in zip(frame.columns, names, strict=True) if str(a) != b]
    out = frame.set_axis(names, axis=1)
    return out, notes
