"""Messages of :mod:`origin_map.areas` in English and Chinese, and the error it raises."""

from __future__ import annotations

from typing import Any, Final

from .errors import DataValidationError, Problem

__all__ = ["TEXTS", "AreaError", "warning"]

TEXTS: Final[dict[str, tuple[str, str]]] = {
    "unreadable": ("{detail}", "无法读取边界：{detail}"),
    "no_features": ("There is no area: no feature has a geometry. Draw a polygon, rectangle or "
                    "circle, or upload a GeoJSON/GeoPackage boundary.",
                    "没有区域：没有带几何形状的要素。"
                    "请绘制多边形、矩形或圆，或上传 GeoJSON/GeoPackage 边界。"),
    "not_polygon": ("Feature {i} is a {kind}; an area must be a Polygon or MultiPolygon (or a "
                    "drawn circle). Draw or export a polygon.",
                    "第 {i} 个要素是 {kind}；区域必须是多边形（Polygon/MultiPolygon）或绘制的圆。"
                    "请绘制或导出多边形。"),
    "bad_radius": ("Feature {i} is a circle whose radius {radius} is not a positive number of "
                   "metres. Draw the circle again.",
                   "第 {i} 个要素是圆，但半径 {radius} 不是正的米数。请重新绘制。"),
    "empty": ("The area is empty (its surface is zero). Draw or upload a polygon with a "
              "surface.", "区域为空（面积为零）。请绘制或上传有面积的多边形。"),
    "too_large": ("The area is {area:,.0f} km², more than the {limit:,.0f} km² allowed: Origin "
                  "Map measures districts. Use a smaller boundary.",
                  "区域面积 {area:,.0f} 平方公里，超过上限 {limit:,.0f} 平方公里。"
                  "请使用更小的边界。"),
    "too_far": ("The area is {dist_km:,.0f} km from the data's centre, more than {limit_km:,.0f} "
                "km: it is probably in another city, or its coordinates are not WGS-84 "
                "longitude/latitude. Check the file.",
                "区域距数据中心 {dist_km:,.0f} 公里，超过 {limit_km:,.0f} 公里："
                "可能位于其他城市，或坐标不是 WGS-84 经纬度。请检查文件。"),
    "repaired": ("The boundary of feature {i} crossed itself and was repaired (shapely "
                 "make_valid); check the shape.",
                 "第 {i} 个要素的边界自相交，已自动修复（shapely make_valid）；请检查形状。"),
    "merged": ("{n} features were merged into one area.", "已将 {n} 个要素合并为一个区域。"),
    "skipped": ("{n} feature(s) without a geometry were ignored.",
                "忽略了 {n} 个没有几何形状的要素。"),
    "note": ("{detail}", "注意：{detail}"),
}


class AreaError(DataValidationError):
    """An area that cannot be measured; the message says why and what to do.

    Parameters
    ----------
    key
        Which message (a key of the module's message table).
    source
        A short name of the input, for the message.
    **values
        Values for the message's placeholders.
    """

    def __init__(self, key: str, source: str | None = None, **values: Any) -> None:
        self.key = key
        self.en, self.zh = (t.format(**values) for t in TEXTS[key])
        super().__init__([Problem(None, "geometry", self.en)], source=source)

    def text(self, lang: str = "en") -> str:
        """Return the message alone, in ``lang`` (``"en"`` or ``"zh"``)."""
        return self.zh if lang == "zh" else self.en


def warning(key: str, **values: Any) -> tuple[str, str]:
    """Return the (English, Chinese) texts of warning ``key`` with ``values`` filled in."""
    en, zh = TEXTS[key]
    return en.format(**values), zh.format(**values)
