"""Parse addresses written in English or pinyin ("No. 1 Zhongguancun East Road, Haidian").

Roads become a pinyin key that the gazetteer also computes for its Chinese road names
(中关村东路 → ``zhongguancundonglu``): "Zhongguancun East Road", "Zhongguancun Donglu" and
"zhongguancun dong lu" give the same key. Names are matched by the gazetteer against English
names and aliases, so they stay in ``text``.
"""

from __future__ import annotations

import re

from origin_map.geocode._admin import ENGLISH_ELSEWHERE
from origin_map.geocode._parsed import ParsedAddress

__all__ = ["SYNONYMS", "english_key", "parse_english", "pinyin_key"]

_WORD_MAP = {
    "east": "dong", "west": "xi", "south": "nan", "north": "bei", "middle": "zhong",
    "central": "zhong", "road": "lu", "rd": "lu", "street": "jie", "st": "jie",
    "avenue": "dajie", "ave": "dajie", "lane": "hutong", "ring": "huan",
    "e": "dong", "w": "xi", "s": "nan", "n": "bei",  # "Zhongguancun E. Rd."
    "first": "yi", "second": "er", "third": "san", "fourth": "si", "fifth": "wu",
    "sixth": "liu",
}
SYNONYMS = (
    (re.compile(r"\bqinghua\b"), "tsinghua"),
    (re.compile(r"\bdaxue\b"), "university"),
    (re.compile(r"\btsinghua (?:university )?(?:(?:science|sci tech|sci-tech)"
                r"(?: (?:and|&) technology)? park|keji ?yuan)\b|\btus park\b"), "tuspark"),
    (re.compile(r"\b(?:mansion|bldg|dasha|dalou)\b"), "building"),
    (re.compile(r"(?<!\b[a-h] )\btower\b(?! [a-h]\b)"), "building"),  # not "Tower B"
    (re.compile(r"\bguangchang\b"), "plaza"),
    (re.compile(r"\b(?:centre|zhongxin)\b"), "center"),
    (re.compile(r"\b([a-z]{3,}?)(dasha|dalou|guangchang|zhongxin)\b"),
     lambda m: f"{m.group(1)} " + {"guangchang": "plaza", "zhongxin": "center"}.get(
         m.group(2), "building")),  # youshengdasha
)
"""Words written several ways in English and pinyin, each turned into the one the gazetteer
compares: TusPark abbreviates "Tsinghua University Science Park" (清华科技园, "Qinghua Keji
Yuan"); Qinghua is the pinyin of Tsinghua; a mansion, tower (not "Tower B", a 座) or dasha (大厦)
is a building; 广场 a plaza, 中心 a center."""
_PINYIN_UNITS = (
    (re.compile(r"\b(\d{1,4})\s*hao\s*yuan\b"), r"no. \1, "),  # 1 hao yuan = 1号院
    (re.compile(r"\b(\d{1,3})\s*hao\s*lou\b"), r"building \1"),  # 8 hao lou = 8号楼
    (re.compile(r"\b(\d{1,4})\s*hao\b"), r"no. \1"),  # 8 hao = 8号
    (re.compile(r"\b\d{1,3}\s*ceng\b|\b\d{1,5}\s*shi\b"), " "),  # 9 ceng, 2301 shi
)
"""Pinyin unit words after a number, written as the English parser reads them."""
_ORDINAL = {"1": "yi", "2": "er", "3": "san", "4": "si", "5": "wu", "6": "liu"}
_ROAD_END = re.compile(r"\b(road|rd|street|st|avenue|ave|lane|lu|jie|dajie|dadao|hutong|"
                       r"donglu|xilu|nanlu|beilu|zhonglu|dongjie|xijie|nanjie|beijie|"
                       r"nandajie|beidajie|dongdajie|xidajie)\b\.?"
                       r"(?:\s+(?:east|west|south|north)\b|\s+[ewsn]\b\.?(?!\s*\d))?"
                       r"|\b[a-z]{4,}(lu|jie)\b")
"""A road's last word, and a direction written after it ("Zhongguancun Road East"); or a
road written in one word ("Zhongguancundonglu")."""
_NUMBER_BEFORE = re.compile(r"(?:\bno\.?\s*|#\s*)?(\d{1,4})(?:-\d{1,4})?\s*,?\s*$")
_NUMBER_AFTER = re.compile(r"^\s*,?\s*(?:no\.?\s*|#\s*)?(\d{1,4})\b(?!\s*(?:th|st|nd|rd|/?f)\b)")
_BUILDING_NO = re.compile(r"\b(?:building|bldg|block)\.?\s*(?:no\.?\s*)?(\d{1,3})\b")
_TOWER = re.compile(r"\b(?:tower|block|building|bldg|zuo)\.?\s+([a-h])\b"
                    r"|\b([a-h])\s+(?:tower|zuo)\b")
_FLOOR = re.compile(r"\b\d+\s*/\s*f\b|\b\d+(?:st|nd|rd|th)?\s*(?:floor|fl)\b|\bfloor\s*\d+|"
                    r"\b(?:room|rm|suite|unit)\.?\s*[a-z]?\d+\b")
_ADMIN_WORDS = re.compile(r"^(?:(?:china|beijing|haidian|shi|qu|city|district)\s+)+")
_DISTRICT = re.compile(r"\b([a-z]+)\s+(?:district|qu)\b")


def english_key(text: str) -> str:
    """Return English words as the gazetteer compares them (see :data:`SYNONYMS`).

    Lower-case letters and digits separated by single spaces, synonyms replaced.
    """
    out = " ".join(re.findall(r"[a-z0-9]+", text.lower()))
    for rx, name in SYNONYMS:
        out = rx.sub(name, out)
    return out


def pinyin_key(words: str) -> str:
    """Return the road key of English/pinyin words: letters only, directions in pinyin."""
    out = []
    tokens = re.findall(r"[a-z]+|\d+", words.lower())
    for i, tok in enumerate(tokens):
        if tok.isdigit():
            if i + 1 < len(tokens) and tokens[i + 1] in ("th", "st", "nd", "rd"):
                out.append(_ORDINAL.get(tok, tok))
            continue
        if tok in ("th", "nd") and i and tokens[i - 1].isdigit():
            continue
        out.append(_WORD_MAP.get(tok, tok))
    return "".join(out)


def _elsewhere(s: str) -> str:
    words = set(re.findall(r"[a-z]+", s))
    hit = next((w for w in sorted(words) if w in ENGLISH_ELSEWHERE), "")
    if "hong" in words and "kong" in words:
        hit = "hong kong"
    m = _DISTRICT.search(s)
    if not hit and m and m.group(1) not in ("haidian", "new", "the", "business"):
        hit = m.group(1)
    return hit


def _road_candidate(text: str, m: re.Match[str]) -> tuple[int, dict[str, object]] | None:
    """Return (rank, road, number, span) of the road ending at match ``m``, or None.

    The road's name runs back from its last word to a comma or a number; administrative
    words before it ("Beijing Shi Haidian Qu") are not part of it. A number before the name
    ("No. 45 Chengfu Road") ranks before one after it ("Chengfu Road 45").
    """
    head = text[: m.end()]
    parts = re.split(r",|\bno\.?\s*\d+|\b\d+\b(?!\s*(?:th|st|nd|rd)\b)", head)
    name = parts[-1].strip() if parts else ""
    word = m.group(1) or m.group(2)  # the road word, or the end of a road in one word
    short = _ADMIN_WORDS.sub("", name)
    if re.search(r"[a-z]{3}", short.replace(word, "", 1)):
        name = short  # "Beijing Shi Haidian Qu Zhongguancun Donglu"
    if not re.search(r"[a-z]{3}", name[: len(name) - len(word)] if m.group(2)
                     else name.replace(word, "")):
        return None
    before = _NUMBER_BEFORE.search(text[: m.end() - len(name)])
    after = _NUMBER_AFTER.match(text[m.end():])
    hit = before or after
    return (0 if before else 1 if after else 2,
            {"road": pinyin_key(name), "number": hit.group(1) if hit else "",
             "road_span": (m.end() - len(name), m.end())})


def parse_english(s: str) -> ParsedAddress:
    """Parse a normalised address in Latin letters (see :func:`parse_address`)."""
    text = re.sub(r"[^a-z0-9./#,\- ]+", " ", s)
    for rx, repl in _PINYIN_UNITS:
        text = rx.sub(repl, text)
    text = _FLOOR.sub(" ", text)
    text = re.sub(r"\s*,[\s,]*", ", ", re.sub(r"\s+", " ", text)).strip(" ,")
    kw: dict[str, object] = {}
    found = [c for m in _ROAD_END.finditer(text) if (c := _road_candidate(text, m))]
    if found:
        kw.update(min(found, key=lambda x: x[0])[1])
    b = _BUILDING_NO.search(text)
    if b:
        kw["building_no"] = b.group(1)
    t = _TOWER.search(text)
    if t:
        kw["tower"] = t.group(1) or t.group(2)
    return ParsedAddress(text, 0, "", "", _elsewhere(text), english=True,
                         **kw)  # type: ignore[arg-type]
