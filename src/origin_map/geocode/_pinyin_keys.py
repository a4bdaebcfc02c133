"""Pinyin keys of the gazetteer's Chinese roads and names, for addresses written in Latin letters.

A road is written in English or pinyin in many orders: 中关村东路 is "Zhongguancun East Road",
"East Zhongguancun Road", "Zhongguancun Road East", "Zhongguancun Dong Lu" or
"Zhongguancundonglu"; 北四环西路 is "North 4th Ring West Road" or "West North Fourth Ring Road".
:func:`road_keys` gives every such order of a Chinese road as a letters-only key (the English
parser, :mod:`._english`, makes the same kind of key of what was written), with the other
readings of characters that have several (丹棱街: dan-leng-jie and dan-ling-jie).

:func:`name_keys` gives the pinyin of a Chinese building or compound name as the English text
is compared: letters only, the generic ending as an English word (东升大厦 → ``dongsheng
building``, 清华同方科技广场 → ``qinghuatongfangkeji plaza``), so that "Dongsheng Dasha",
"Dongsheng Building" and "Youshengdasha" are found (see :func:`._english.english_key`).
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

__all__ = ["MIN_NAME_SYLLABLES", "name_keys", "road_keys"]

_DIRECTIONS = "东西南北中"
_ROAD_SUFFIXES = ("大街", "大道", "胡同", "路", "街", "巷", "条")
_NAME_SUFFIXES = (("大厦", "building"), ("大楼", "building"), ("广场", "plaza"),
                  ("中心", "center"))
MIN_NAME_SYLLABLES = 4
"""A building name is known by its pinyin only when it has at least this many characters (as
for same-sound names in :mod:`._decide`): 东升大厦 yes, 阳光厅 no. Compounds need three (蓝旗营)."""
_MAX_VARIANTS = 16


@lru_cache(maxsize=4096)
def _readings(ch: str) -> tuple[str, ...]:
    """Return the toneless readings of one character, the usual one first."""
    from pypinyin import Style, lazy_pinyin, pinyin

    first = lazy_pinyin(ch)[0]
    others = pinyin(ch, heteronym=True, style=Style.NORMAL)[0] if "\u3400" <= ch <= "\u9fff" \
        else []
    return tuple(dict.fromkeys([first, *others]))


def _spellings(text: str) -> list[str]:
    """Return the pinyin spellings of ``text`` (the usual reading first, then other readings)."""
    from pypinyin import lazy_pinyin

    usual = "".join(lazy_pinyin(text)).lower()
    combos = itertools.islice(itertools.product(*(_readings(ch) for ch in text)), _MAX_VARIANTS)
    return list(dict.fromkeys([usual, *("".join(c) for c in combos)]))


def road_keys(road: str) -> list[str]:
    """Return the letters-only keys of a Chinese road in the orders English puts it.

    Examples
    --------
    >>> road_keys("中关村东路")[:3]
    ['zhongguancundonglu', 'dongzhongguancunlu', 'zhongguancunludong']
    """
    suffix = next((s for s in _ROAD_SUFFIXES if road.endswith(s)), "")
    body = road[: len(road) - len(suffix)] if suffix else road
    orders = [(road, "")]
    if suffix and len(body) >= 3 and body[-1] in _DIRECTIONS:  # 中关村东路, 北四环西路
        core, d = body[:-1], body[-1]
        orders += [(d + core + suffix, ""), (core + suffix, d)]
    keys: list[str] = []
    for text, after in orders:
        tail = "".join(_spellings(after)[:1]) if after else ""
        keys += [k + tail for k in _spellings(text)]
    return list(dict.fromkeys(keys))


def name_keys(name: str, *, compound: bool = False) -> list[str]:
    """Return the pinyin keys of a Chinese name (empty if it is too short or not all Chinese).

    Examples
    --------
    >>> name_keys("东升大厦")
    ['dongsheng building']
    """
    if not re.fullmatch(r"[\u3400-\u9fff]+", name):
        return []
    if len(name) < (3 if compound else MIN_NAME_SYLLABLES):
        return []
    for zh, en in _NAME_SUFFIXES:
        if name.endswith(zh) and len(name) > len(zh) + 1:
            return [f"{k} {en}" for k in _spellings(name[: -len(zh)])[:2]]
    return _spellings(name)[:2]
