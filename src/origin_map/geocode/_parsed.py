"""The parts of a parsed address (:class:`ParsedAddress`), for the Chinese and English parsers.

A module of its own so that :mod:`.normalise` and :mod:`._english` both import it and neither
imports the other at load time.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ParsedAddress"]


@dataclass(frozen=True)
class ParsedAddress:
    """The parts of a normalised address.

    Attributes
    ----------
    text
        The normalised address as matched (first alternative only; parentheses that name
        another city removed).
    body_start
        Index in ``text`` where the administrative prefix (city, district) ends.
    city, district
        As written in the prefix, without 市/区 (``北京``, ``海淀``); empty when not given.
    elsewhere
        The other province, city or district the address names (``上海``, ``朝阳``), else "".
    road, number
        Road as written before the street number (it may include words before the road, e.g.
        ``五道口成府路``) and the number (``28``, ``27-29``; a 甲/乙 prefix is dropped).
    road_span
        ``(start, end)`` of the road and number (and 院) in ``text``; ``(0, 0)`` if none.
    building_no, tower
        Building number in a compound (``8`` for 8号楼/8栋) and tower (``a``, ``ab``, ``东``).
    english
        Whether the address is written in Latin letters (then ``road`` is a pinyin key).
    """

    text: str
    body_start: int = 0
    city: str = ""
    district: str = ""
    elsewhere: str = ""
    road: str = ""
    number: str = ""
    road_span: tuple[int, int] = (0, 0)
    building_no: str = ""
    tower: str = ""
    english: bool = False
