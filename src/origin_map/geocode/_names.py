"""Rows with a name and no address: a known building, or a firm of the shipped places, by name.

A firm list often gives only names ("北京智谱华章科技有限公司", "Momenta"). :class:`NameIndex`
knows the names of the gazetteer's buildings and of the shipped places (``places.csv``: every
row in the gazetteer's area, whatever its position quality) by their *core*: the name without
its region (北京, （北京）), legal form (有限公司, Co., Ltd.) and trade words (科技, 网络科技,
Technology): 北京智谱华章科技有限公司 → 智谱华章, which is the name in brackets of the place
智谱（北京智谱华章科技）. Only whole cores match (no fuzzy, no part of a name), and only
distinctive ones: a core of generic words (科技大厦, 人工智能研究院, 北京) or shorter than two
Chinese characters or four letters is never matched, and a building name of a campus counts only
with the campus (清华大学美术学院, not 美术学院). A current place comes before a historic one;
places that share a name but stand apart are not placed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from origin_map.geocode._features import AGREE_M, Feature, centroid, spread_m
from origin_map.geocode._result import Match
from origin_map.geocode.normalise import normalise_address, parse_address

__all__ = ["NameIndex", "distinctive", "name_core", "name_cores"]

_REGION = re.compile(r"^(?:中国|北京市?(?!大学)|海淀区?)+|\((?:北京|中国|海淀)[^()]*\)")
_NOTE = re.compile(r"早期|时期|旧址|地址|办公|校区|段$|创立|[,:]|等$|\d{4}")
"""A bracketed part of a place's name that is a note, not a name (快手（早期办公地）)."""
_LEGAL = re.compile(r"(?:股份有限公司|有限责任公司|集团有限公司|有限公司|集团|公司|分公司|"
                    r"办公室|总部|分部|北京分部)$")
_TRADE = re.compile(r"(?:网络科技|信息科技|信息技术|信息服务|科技|技术|网络|软件|"
                    r"商务顾问|咨询|服务)$")
_GENERIC_ZH = re.compile(r"科技|创新|创业|国际|大厦|大楼|中心|广场|主楼|学院|研究院|研究所|"
                         r"实验室|教学楼|大学|人工智能|智能|信息|数据|网络|软件|中国|"
                         r"中关村|海淀|五道口|第?[一二三四五六七八九十\d]+|[楼馆厅园座区]$")
_LATIN_DROP = frozenset(
    "the inc ltd co corp corporation company limited llc gmbh plc group holdings beijing china "
    "office branch technology technologies tech science sciences network networks information "
    "software of and haidian district".split())
_GENERIC_LATIN = frozenset(
    "ai lab labs building tower plaza center centre park university institute research "
    "international digital data cloud smart intelligence intelligent innovation global "
    "capital ventures east west south north campus section rd road street line station "
    "manufacturing office new".split())
SCORES = {"building": 0.7, "current": 0.6, "historic": 0.45}
"""Score of a name match: a known building's name, a current place, a historic place."""


def name_cores(name: object) -> list[str]:
    """Return the cores of a name, the fullest first, lower case.

    Region and legal form removed, then the trade words one by one (北京百川智能科技有限公司 →
    百川智能科技, 百川智能); a Latin tail after a Chinese name dropped (智谱AI → 智谱).

    Examples
    --------
    >>> name_cores("北京智谱华章科技有限公司"), name_cores("Zhipu AI Co., Ltd.")
    (['智谱华章科技', '智谱华章'], ['zhipu ai'])
    """
    s = normalise_address(name)
    if not re.search(r"[\u3400-\u9fff]", s):
        words = [w for w in re.findall(r"[a-z0-9]+", s)
                 if w not in _LATIN_DROP and not (w.isdigit() and len(w) >= 5)]
        return [" ".join(words)]
    s = re.sub(r"\s+", "", _REGION.sub("", s))
    for _ in range(3):
        s = _LEGAL.sub("", s)
    out = [s]
    while (t := _TRADE.sub("", out[-1])) != out[-1]:
        out.append(t)
    latin_tail = re.sub(r"[a-z.]+$", "", out[0])  # 智谱AI → 智谱
    if latin_tail != out[0]:
        out.append(latin_tail)
    return [c for c in dict.fromkeys(out) if c]


def name_core(name: object) -> str:
    """Return the fullest core of a name (see :func:`name_cores`)."""
    cores = name_cores(name)
    return cores[0] if cores else ""


def distinctive(core: str) -> bool:
    """Whether a name core tells one place apart (not only generic words, long enough)."""
    if re.search(r"[\u3400-\u9fff]", core):
        rest = _GENERIC_ZH.sub("", core)
        return len(rest) >= 2 and bool(rest.strip("东西南北中新老"))
    words = [w for w in core.split() if w not in _GENERIC_LATIN and not w.isdigit()]
    return bool(words) and len("".join(words)) >= 4


@dataclass
class _Entry:
    feature: Feature
    status: str  # "building", "current" or "historic"
    shown: str


@dataclass
class NameIndex:
    """Cores of the names of the gazetteer's buildings and the shipped places."""

    by_core: dict[str, list[_Entry]] = field(default_factory=lambda: defaultdict(list))

    def add(self, names: list[str], entry: _Entry) -> None:
        """Index ``entry`` under the distinctive cores of ``names``.

        The fullest core, and shorter ones of three characters or more (百川智能科技 → 百川智能,
        not 华宇软件 → 华宇: two characters are often another firm's brand too).
        """
        for name in names:
            cores = name_cores(name)
            for core in cores[:1] + [c for c in cores[1:] if len(c) >= 3]:
                if not distinctive(core):
                    continue
                for key in (core, _pinyin_key(core)):
                    if key and entry not in self.by_core[key]:
                        self.by_core[key].append(entry)

    def add_places(self, places: pd.DataFrame | None) -> None:
        """Index the places of ``places.csv`` that are in the gazetteer's area."""
        for row in (places if places is not None else pd.DataFrame()).itertuples():
            try:
                lat, lon = float(row.lat), float(row.lon)
            except (TypeError, ValueError):
                continue
            if parse_address(str(getattr(row, "address", ""))).elsewhere or lat != lat:
                continue
            zh, en = str(getattr(row, "name_zh", "")), str(getattr(row, "name_en", ""))
            status = "historic" if getattr(row, "status", "") == "historic" else "current"
            kind = "campus" if getattr(row, "kind", "") in ("university", "park") else "place"
            feat = Feature(str(row.id), zh or en, kind, lat, lon, "places.csv")
            self.add(_name_parts(zh) + _name_parts(en), _Entry(feat, status, zh or en))

    def _entries(self, texts: list[str]) -> list[_Entry]:
        """Return the entries of the first of ``texts`` whose core (or its pinyin) is known."""
        keys = [k for t in texts for c in name_cores(t) for k in (c, f"py:{c.replace(' ', '')}")]
        return next((self.by_core[k] for k in keys if k in self.by_core), [])

    def match(self, name: str, *, units_only: bool = False) -> Match | None:
        """Return the position of the building or place called ``name``, or None.

        ``units_only``: not a campus (a university, a park) itself, only what is on one.
        """
        entries = self._entries([name])  # 德州仪器 is a firm before 德州 is a city
        if not entries:
            parts = [t for t in _name_parts(name) if t != normalise_address(name)]
            away = next((p.elsewhere for t in [name, *parts]
                         if (p := parse_address(t)).elsewhere), "")
            if away:  # 杭州…有限公司, 智谱（上海）有限公司
                return Match.none("name_elsewhere", name=name, place=away)
            entries = self._entries(parts)  # ModelBest (MiniCPM), 快手（早期办公地）
        for status in ("building", "current", "historic"):
            found = [e for e in entries if e.status == status
                     and not (units_only and e.feature.kind == "campus")]
            if not found:
                continue
            feats = list({e.feature.fid: e.feature for e in found}.values())
            if spread_m(feats) > AGREE_M:
                return Match.none("name_ambiguous", name=name, spread=spread_m(feats))
            lat, lon = (round(v, 7) for v in centroid(feats))
            shown = " | ".join(f"{e.shown} [{e.feature.fid}]" for e in found[:3])
            reason = "name_historic" if status == "historic" else "name_place"
            return Match(lat, lon, "name", SCORES[status], f"gazetteer:{feats[0].source}",
                         f"{shown} ← {name}", ((reason, {"name": found[0].shown}),))
        return None


def _pinyin_key(core: str) -> str:
    """Return the pinyin key of a Chinese core, or "" if it is not Chinese or is short.

    As an English name writes it: 智谱华章 → ``py:zhipuhuazhang`` ("Beijing Zhipu Huazhang
    Technology Co., Ltd.").
    """
    from pypinyin import lazy_pinyin

    if not re.fullmatch(r"[\u3400-\u9fff]+", core):
        return ""
    key = "".join(lazy_pinyin(core)).lower()
    return f"py:{key}" if len(key) >= 6 else ""


def _name_parts(name: str) -> list[str]:
    """Return a name and the names in its brackets: 智谱（北京智谱华章科技） gives both.

    A bracketed note is left out: Chinese with a note word (早期办公地), English with a word
    in lower case ("early start-up cluster", "Wudaokou office").
    """
    s = re.sub(r"[（(]", "(", re.sub(r"[）)]", ")", name))
    inner = [p.strip() for i in re.findall(r"\(([^()]*)\)", s) for p in re.split(r"[,;，；]", i)]
    names = [re.sub(r"\([^()]*\)", "", s).strip()]
    for part in inner:
        if re.search(r"[\u3400-\u9fff]", part):
            if not _NOTE.search(part):
                names.append(part)
        elif all(w[0].isupper() or w[0].isdigit() for w in re.findall(r"[A-Za-z0-9]\S*", part)):
            names.append(part)
    return [normalise_address(n) for n in names if n]


def building_entry(feat: Feature, names: list[str], campus: bool) -> tuple[list[str], _Entry]:
    """Return the names under which building ``feat`` is known by name alone, and its entry.

    A building of a campus is known by a name that holds the campus name (清华大学美术学院).
    """
    keep = [n for n in names if not campus or (feat.compound and feat.compound in n)]
    return keep, _Entry(feat, "building", feat.name)
