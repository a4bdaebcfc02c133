"""Messages of the geocoder in English and Chinese (reasons, summary lines).

Each message is a key with an (English, Chinese) pair of ``str.format`` templates;
:func:`message` renders one in a language. The app shows them in the user's language, the CLI
in English.
"""

from __future__ import annotations

__all__ = ["LEVEL_LABELS", "MESSAGES", "message"]

MESSAGES: dict[str, tuple[str, str]] = {
    "empty": ("The address is empty.", "地址为空。"),
    "elsewhere": ("The address is in {place}, outside the gazetteer's area ({area}); not placed.",
                  "地址位于{place}，不在地名库范围（{area}）内，未定位。"),
    "unknown_road": ("Road {road} is not in the gazetteer.", "地名库中没有道路“{road}”。"),
    "unknown_number": ("No. {number} on {road} is not in the gazetteer.",
                       "地名库中没有“{road}{number}号”。"),
    "ambiguous_number": ("The buildings known at {road} {number} are {spread:.0f} m apart; "
                         "give the building name.",
                         "“{road}{number}号”的已知楼宇相距{spread:.0f}米，请写明楼名。"),
    "ambiguous_name": ("{name} matches buildings {spread:.0f} m apart.",
                       "“{name}”对应的楼宇相距{spread:.0f}米。"),
    "compound_no_position": ("Compound {compound} is known but has no position of its own, and "
                             "its building {building} is not in the gazetteer.",
                             "已知园区/小区“{compound}”，但没有其自身位置，地名库中也没有其"
                             "{building}号楼。"),
    "name_conflict": ("{name} is at {known} in the gazetteer, but the address says {given}.",
                      "地名库中“{name}”位于{known}，而地址写的是{given}。"),
    "campus_point": ("{name}: a representative point of the campus, not the building.",
                     "{name}：校园的代表点，不是具体楼宇。"),
    "nothing": ("No known building, compound or street number was recognised.",
                "未识别出地名库中的楼宇、园区或门牌。"),
    "no_road_number": ("No road and street number, and no known building name.",
                       "没有道路门牌，也没有已知楼名。"),
    "cut": ("The address was cut to {n} characters for matching.",
            "地址过长，仅用前{n}个字符匹配。"),
    "far": ("{km:,.0f} km from the centre: check it.", "距中心{km:,.0f}公里，请核对。"),
    "provider_error": ("{provider} failed: {error}", "{provider}查询失败：{error}"),
    "provider_empty": ("{provider} found nothing.", "{provider}未找到结果。"),
    "too_coarse": ("{provider} located it only to the {what}; not placed.",
                   "{provider}只定位到{what}，未定位。"),
    "below_min_level": ("Located only to {level} level, coarser than {min_level}; not placed.",
                        "只定位到{level}级，粗于{min_level}级，未定位。"),
    "summary_placed": ("{n} of {total} rows placed", "{total}行中定位{n}行"),
    "summary_unplaced": ("{n} unplaced", "{n}行未定位"),
    "summary_cache": ("{n} from the cache, {requests} requests", "缓存{n}行，请求{requests}次"),
    "summary_failed": ("{n} provider failures", "{n}行查询失败"),
    "summary_far": ("{n} flagged > {km:.0f} km from the centre", "{n}行距中心超过{km:.0f}公里"),
}

LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "building": ("building", "楼宇"),
    "compound": ("compound", "园区/小区"),
    "street_number": ("street number", "门牌"),
    "road": ("road", "道路"),
    "district": ("district", "区县"),
    "none": ("none", "未定位"),
}


def message(key: str, lang: str = "en", /, **kwargs: object) -> str:
    """Return message ``key`` in ``lang`` (``"en"`` or ``"zh"``) with ``kwargs`` filled in."""
    en, zh = MESSAGES[key]
    return (zh if lang == "zh" else en).format(**kwargs)
