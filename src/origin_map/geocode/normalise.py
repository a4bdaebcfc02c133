"""Normalise and parse Chinese (and English) street addresses.

:func:`normalise_address` makes the spellings of one address comparable: full-width characters
become half-width, traditional characters simplified (中關村東路 → 中关村东路), Chinese
numerals before a unit become digits (成府路二十八号 → 成府路28号),
spaces inside Chinese text go, letters are lower-cased. :func:`parse_address` then splits a
normalised address into its administrative prefix (city, district), road and street number,
building number inside a compound (``1号院8号楼``), tower (``A座``); floors and rooms are
recognised and ignored. An address naming another city or district than the gazetteer's is
marked ``elsewhere``. English addresses ("No. 1 Zhongguancun East Road") go to
:mod:`origin_map.geocode._english`.
"""

from __future__ import annotations

import re
import unicodedata
from importlib import resources

from origin_map.geocode._admin import (
    AREA_SUFFIXES,
    BEIJING_DISTRICTS,
    CITIES,
    LOCAL_CITY,
    LOCAL_DISTRICT,
    PROVINCES,
)
from origin_map.geocode._parsed import ParsedAddress

__all__ = ["MAX_MATCH_CHARS", "ParsedAddress", "address_key", "cn_number", "normalise_address",
           "parse_address", "without_unit"]

MAX_MATCH_CHARS = 200
"""Longer address cells are cut to this many characters before matching (and say so)."""

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千]+(?=号|层|楼|栋|幢|座|室|单元|期|门|f)")
_SPACE_NEAR_CJK = re.compile(r"\s+(?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff])\s+")
_DASHES = re.compile(r"[‐‑‒–—―−~～]")
_OPEN = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "「": "(", "」": ")",
                       "《": "", "》": "", "“": "", "”": "", '"': "", "'": "", "・": "",
                       "·": "", "、": ",", "，": ",", "；": ";", "：": ":", "#": "号"})
_POSTCODE = re.compile(r"(?<!\d)1\d{5}(?!\d)")
_COUNTRY = re.compile(r"^(?:china,?|p\.?\s?r\.?\s?china,?)\s*")
_COUNTRY_ZH = re.compile(r"^(?:中华人民共和国|中国)")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LABEL = re.compile(r"^[^:]{0,8}(?:地址|办公|总部|注册地|住所)[^:]{0,4}:")

_ROAD = re.compile(r"(?P<road>[\u3400-\u9fff]{1,12}?(?:大街|大道|胡同|路|街|巷|条))"
                   r"(?P<pre>[甲乙丙丁])?(?P<num>\d{1,4}(?:-\d{1,4})?)号(?P<yuan>院)?")
_BUILDING_NO = re.compile(r"(?<![\d.a-z])(?P<bno>\d{1,3})(?:号楼|栋楼?|幢|号座|号?办公楼)(?!楼?之)"
                          r"|院(?P<bno2>\d{1,3})号(?!楼|院|\d)")
_TOWER = re.compile(r"(?<![a-z])(?P<tower>[a-h]{1,2}|[东西南北中])(?:座|栋|塔楼)")
_PAREN = re.compile(r"\(([^()]*)\)")
_ANOTHER = re.compile(r"\s*(?:另|also\b|or\b)")
"""A bracketed second address: （另：清华大学FIT楼1-308）, (also: …)."""
_PROVINCE = re.compile(r"^(?P<name>[\u3400-\u9fff]{2,3}?)(?:省|壮族自治区|回族自治区|维吾尔自治区"
                       r"|自治区|特别行政区)")
_CITY = re.compile(r"^(?P<name>[\u3400-\u9fff]{2,3}?)(?<![超城门])市")
_DISTRICT = re.compile(r"^(?P<name>[\u3400-\u9fff]{1,4}?)(?:新区|区|县)")
_UNIT = (r"(?:(?:b|负|地下)?\d+(?:-\d+)?(?:层|楼层|室|f)(?![a-z])"
         r"|(?:room|rm|floor|flr|suite)\.?\s*\d+(?:-\d+)?|\d+(?:st|nd|rd|th)\s+floor)")
_UNIT_TAIL = re.compile(rf"(?:(?<=座)\d{{3,5}}|(?:[\s,;]*{_UNIT})+)+[\s,;.]*$")
_UNIT_HEAD = re.compile(rf"^(?:{_UNIT}[\s,;]*)+(?=\S)")
"""A firm's floor and room at the end of an address (9层901室, 3F, a room after a tower: a座901)
or, in English, at its start ("Room 1508, Floor 12, …"): they name no place of the gazetteer
and are left out before matching (so that every firm of one building has one key)."""




def _t2s_table() -> dict[int, int]:
    """Return the traditional → simplified table of ``t2s_chars.txt`` for ``str.translate``."""
    raw = resources.files("origin_map.geocode").joinpath("t2s_chars.txt").read_text("utf-8")
    return {ord(line[0]): ord(line[1]) for line in raw.splitlines()
            if len(line) == 2 and not line.startswith("#")}


_T2S = _t2s_table()
"""One character to one (OpenCC's first simplified form; see scripts/make_t2s_table.py)."""

_BARE_CITIES = (LOCAL_CITY, *sorted(PROVINCES | CITIES, key=len, reverse=True))
_BARE_CITY = re.compile("|".join(_BARE_CITIES))
_ELSEWHERE_ANYWHERE = re.compile("|".join(n for n in _BARE_CITIES[1:] if len(n) >= 2))
_BEIJING_DISTRICT = re.compile("|".join(sorted(BEIJING_DISTRICTS, key=len, reverse=True)))


def cn_number(text: str) -> int:
    """Return the value of a Chinese numeral such as ``二十八`` (28) or ``一〇五`` (105)."""
    if not any(c in _CN_UNIT for c in text):  # digit by digit: 一〇五
        return int("".join(str(_CN_DIGIT[c]) for c in text))
    total, digit = 0, 0
    for c in text:
        if c in _CN_DIGIT:
            digit = _CN_DIGIT[c]
        else:
            total += (digit or 1) * _CN_UNIT[c]
            digit = 0
    return total + digit


def normalise_address(text: object) -> str:
    """Return a comparable spelling of an address.

    Full-width characters become half-width (NFKC), traditional characters simplified
    (``海淀區`` → ``海淀区``), letters lower case, Chinese numerals
    before a unit (号 层 楼 栋 座 室 …) digits, dashes ``-``, ``#`` 号; spaces next to Chinese
    characters and a leading country name (中国, China) and 6-digit postcodes are removed.

    Examples
    --------
    >>> normalise_address("北京市海淀区成府路二十八号 Ａ座")
    '北京市海淀区成府路28号a座'
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).lower().translate(_OPEN).translate(_T2S)
    s = _DASHES.sub("-", s)
    s = _CN_NUMERAL.sub(lambda m: str(cn_number(m.group(0))), s)
    s = _POSTCODE.sub(" ", s)
    s = _SPACE_NEAR_CJK.sub("", s)
    s = _COUNTRY.sub("", re.sub(r"\s+", " ", s).strip(" ,;:")).strip(" ,;:")
    m = _COUNTRY_ZH.match(s)
    if m and _admin_prefix(s[m.end():])[3]:  # 中国北京市… but not 中国人民大学
        s = s[m.end():]
    return s


def without_unit(text: str) -> str:
    """Return a normalised address without a firm's floor and room at its end or start.

    Examples
    --------
    >>> without_unit("北京市海淀区中关村东路8号东升大厦a座9层901室")
    '北京市海淀区中关村东路8号东升大厦a座'
    >>> without_unit("room 1508, floor 12, 8 zhongguancun east road")
    '8 zhongguancun east road'
    """
    return _UNIT_HEAD.sub("", _UNIT_TAIL.sub("", text))


def address_key(text: object) -> str:
    """Return what the gazetteer matches of an address: normalised, without floor and room.

    Two addresses with the same key are placed alike (the offline geocoder's memo uses it).
    """
    return without_unit(normalise_address(text))


def _first_alternative(s: str) -> str:
    """Keep the first of several addresses and drop bracketed other cities.

    ``A；另：B`` and ``A（另：B）`` keep ``A``.
    """
    s = _LABEL.sub("", s.split(";")[0])
    return _PAREN.sub(lambda m: "" if _admin_prefix(m.group(1).split(":")[-1])[2]
                      or _ANOTHER.match(m.group(1)) else m.group(0), s)


def _admin_prefix(s: str) -> tuple[str, str, str, int]:
    """Return (city, district, elsewhere, end) of the administrative prefix of ``s``."""
    city = district = elsewhere = ""
    pos = 0
    for _ in range(6):
        rest = s[pos:]
        m = _PROVINCE.match(rest)
        if m and m.group("name") in PROVINCES | {"内蒙古"}:
            elsewhere = elsewhere or m.group("name")
            pos += m.end()
            continue
        m = _CITY.match(rest)
        if m:
            name = m.group("name")
            if name == LOCAL_CITY:
                city = name
            else:
                elsewhere = elsewhere or name
            pos += m.end()
            continue
        m = _BARE_CITY.match(rest)
        name = m.group(0) if m else ""
        if name == LOCAL_CITY and not _BEIJING_DISTRICT.match(rest, 2):
            name = ""  # 北京大学, 北京清华同方科技广场: a name, not the city
        if name:
            if name == LOCAL_CITY:
                city = name
            else:
                elsewhere = elsewhere or name
            pos += len(name)
            continue
        m = _DISTRICT.match(rest)
        if m and not rest[: m.end()].endswith(AREA_SUFFIXES):
            name = m.group("name")
            district = district or name
            if name != LOCAL_DISTRICT and not elsewhere:
                elsewhere = name
            pos += m.end()
            continue
        m = _BEIJING_DISTRICT.match(rest)
        name = m.group(0) if m else ""
        if name and (city or pos == 0):
            district = district or name
            if name != LOCAL_DISTRICT and not elsewhere:
                elsewhere = name
            pos += len(name)
            continue
        break
    return city, district, elsewhere, pos


def parse_address(text: str, *, normalised: bool = False) -> ParsedAddress:
    """Split an address into prefix, road, number, building number and tower.

    Parameters
    ----------
    text
        The address (normalised with :func:`normalise_address` unless ``normalised``).
    normalised
        Whether ``text`` is already normalised.

    Examples
    --------
    >>> p = parse_address("北京市海淀区中关村东路1号院8号楼D座23层")
    >>> (p.road, p.number, p.building_no, p.tower)
    ('中关村东路', '1', '8', 'd')
    """
    s = text if normalised else normalise_address(text)
    if len(_CJK.findall(s)) < 2 and re.search(r"[a-z]{3}", s):
        from origin_map.geocode._english import parse_english

        return parse_english(s)
    s = _first_alternative(s)
    city, district, elsewhere, start = _admin_prefix(s)
    if not (city or district or elsewhere):  # 清华大学深圳国际研究生院: another city inside
        m = _ELSEWHERE_ANYWHERE.search(s)
        elsewhere = m.group(0) if m else ""
    kw: dict[str, object] = {}
    m = _ROAD.search(s, start)
    if m:
        kw.update(road=m.group("road"), number=m.group("num"), road_span=m.span())
    tail = s[m.end():] if m else s[start:]
    b = _BUILDING_NO.search(tail)
    if b:
        kw["building_no"] = b.group("bno") or b.group("bno2")
    t = _TOWER.search(tail)
    if t:
        kw["tower"] = t.group("tower")
    return ParsedAddress(s, start, city, district, elsewhere, **kw)  # type: ignore[arg-type]
