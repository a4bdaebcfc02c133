"""Controlled vocabularies: sectors, kinds, position qualities, statuses, datums.

This module is the one place where these lists are defined; the dataset README, the loader, the
statistics and the app all read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sector:
    """A sector of the controlled vocabulary.

    Parameters
    ----------
    id
        Stable identifier used in data files and CSV exports.
    en, zh
        Labels in English and Chinese.
    ai
        Whether places in this sector count as AI-related (for the AI share).
    colour
        Hex colour used on the map and in charts.
    """

    id: str
    en: str
    zh: str
    ai: bool
    colour: str


SECTORS: tuple[Sector, ...] = (
    Sector("large_models", "Large models", "大模型", True, "#d62728"),
    Sector("chips", "AI chips & semiconductors", "AI芯片", True, "#8c564b"),
    Sector("ai_infrastructure", "AI infrastructure & compute", "AI基础设施与算力", True, "#ff7f0e"),
    Sector("ai_applications", "AI applications", "AI应用", True, "#e377c2"),
    Sector("embodied_ai", "Embodied AI & robotics", "具身智能与机器人", True, "#9467bd"),
    Sector("ai_hardware", "AI & smart hardware", "AI与智能硬件", True, "#bcbd22"),
    Sector("ai_research", "AI research institutes", "AI研究机构", True, "#1f77b4"),
    Sector("research", "Universities & research", "高校与科研", False, "#17becf"),
    Sector("platforms", "Internet platforms", "互联网平台", False, "#2ca02c"),
    Sector("incubation", "Incubators & parks", "孵化器与园区", False, "#393b79"),
    Sector("other_tech", "Other technology", "其他科技", False, "#7f7f7f"),
    Sector("services", "Services & education", "服务与教育", False, "#aec7e8"),
    Sector("public", "Public places & transport", "公共设施与交通", False, "#8c6d31"),
    Sector("unknown", "Unknown", "未知", False, "#c7c7c7"),
)
SECTOR_BY_ID: dict[str, Sector] = {s.id: s for s in SECTORS}
SECTOR_IDS: tuple[str, ...] = tuple(s.id for s in SECTORS)
AI_SECTORS: frozenset[str] = frozenset(s.id for s in SECTORS if s.ai)
DEFAULT_SECTOR = "unknown"

KINDS: dict[str, tuple[str, str]] = {
    "university": ("University", "高校"),
    "institute": ("Research institute", "科研机构"),
    "firm": ("Firm", "企业"),
    "incubator": ("Incubator", "孵化器"),
    "park": ("Park / zone", "园区"),
    "landmark": ("Landmark", "地标"),
    "other": ("Other", "其他"),
}
DEFAULT_KIND = "other"

POSITION_QUALITIES: dict[str, str] = {
    "surveyed": "the feature itself, as mapped in a survey such as OpenStreetMap",
    "poi": "a map provider's point of interest for the named place (converted to WGS-84)",
    "estimated": "derived (a building point reused for a tenant, a mean of readings, ...)",
    "unknown": "not stated by the supplier of the data",
}
DEFAULT_POSITION_QUALITY = "unknown"

STATUSES: dict[str, str] = {
    "current": "present now, as far as the sources say",
    "historic": "a former tenant or earlier office; never counted as a current resident",
}
DEFAULT_STATUS = "current"

DATUMS: dict[str, str] = {
    "wgs84": "WGS-84 (GPS, OpenStreetMap, EPSG:4326)",
    "gcj02": "GCJ-02 (AMap/Gaode, Tencent, WeChat)",
    "bd09": "BD-09 (Baidu)",
}


def sector_label(sector_id: str, lang: str = "en") -> str:
    """Return the label of a sector in ``lang`` (``"en"`` or ``"zh"``); unknown ids pass through."""
    s = SECTOR_BY_ID.get(sector_id)
    if s is None:
        return sector_id
    return s.zh if lang == "zh" else s.en


def kind_label(kind: str, lang: str = "en") -> str:
    """Return the label of a kind in ``lang``; unknown kinds pass through."""
    labels = KINDS.get(kind)
    if labels is None:
        return kind
    return labels[1] if lang == "zh" else labels[0]
