"""The columns of a places file: the canonical names and the header names they are known by.

``lat``/``latitude``/``纬度``, ``name``/``名称``, ``sector``/``行业`` … Imports nothing, so the
geocoder recognises the same columns as the places loader without loading it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMN_ALIASES", "canonical_columns", "canonical_name", "coordinate_positions"]

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "uid", "code", "编号", "序号", "代码"),
    "name_zh": ("name_zh", "中文名", "中文名称", "名称（中文）", "chinese_name"),
    "name_en": ("name_en", "english_name", "英文名", "英文名称", "name (english)"),
    "name": ("name", "名称", "名字", "企业名称", "公司名称", "机构名称", "title", "place"),
    "kind": ("kind", "type", "类型", "机构类型"),
    "sector": ("sector", "行业", "所属行业", "领域", "industry", "category", "类别"),
    "status": ("status", "状态"),
    "address": ("address", "地址", "详细地址", "addr"),
    "lat": ("lat", "latitude", "纬度", "lat_wgs84", "wgs84_lat", "y"),
    "lon": ("lon", "lng", "long", "longitude", "经度", "lon_wgs84", "wgs84_lon", "x"),
    "position_quality": ("position_quality", "quality", "位置精度"),
    "position_note": ("position_note", "note", "notes", "备注"),
    "source": ("source", "来源", "数据来源"),
    "source_datum": ("source_datum", "datum", "坐标系"),
    "source_lat": ("source_lat",),
    "source_lon": ("source_lon",),
    "building_id": ("building_id", "楼宇编号"),
    "since": ("since", "since_year", "起始年份", "成立日期", "成立时间", "成立年份"),
    "until": ("until", "until_year", "截止年份", "注销日期", "注销时间", "吊销日期"),
    "years_source": ("years_source", "年份来源"),
}
"""The canonical columns of a places table and the names each is recognised by (any case)."""
_LOOKUP = {alias.lower(): canon for canon, aliases in COLUMN_ALIASES.items() for alias in aliases}


def canonical_name(column: object) -> str | None:
    """Return the canonical column a header name stands for (``纬度`` → ``lat``), else None."""
    return _LOOKUP.get(str(column).strip().lower())


def coordinate_positions(header: Any) -> list[int]:
    """Return the positions of the columns that :func:`canonical_columns` makes lat and lon."""
    taken: dict[str, int] = {}
    for i, col in enumerate(header):
        canon = canonical_name(col)
        if canon and canon not in taken:
            taken[canon] = i
    return [taken[c] for c in ("lat", "lon") if c in taken]


def canonical_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Rename recognised columns to canonical names; return the frame and the renames made.

    The first column matching a canonical name's aliases gets it; any other column keeps its
    name, made unique (``lat (column 3)``) when it would clash with a canonical one.
    """
    names: list[str] = []
    taken: set[str] = set()
    used = set(COLUMN_ALIASES)
    for i, col in enumerate(frame.columns):
        canon = canonical_name(col)
        if canon and canon not in taken:
            names.append(canon)
            taken.add(canon)
        elif str(col) in used:
            names.append(f"{col} (column {i + 1})")
        else:
            names.append(str(col))
        used.add(names[-1])
    notes = [f"'{a}' → {b}" for a, b in zip(frame.columns, names, strict=True) if str(a) != b]
    out = frame.set_axis(names, axis=1)
    return out, notes
