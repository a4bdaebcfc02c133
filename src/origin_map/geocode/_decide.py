"""The rules that turn a parsed address into a gazetteer position (:func:`decide`).

In order: an address in another city or district, or on a road the gazetteer does not know, is
not placed. A known building name (exact, with nothing unexplained before it) consistent with
the street number places it at building level; so does a compound's building number
(``1号院8号楼``). A misspelt name is accepted only when the road and number or the compound
corroborate it. Otherwise a compound with a known point gives compound level, and a street
number whose known buildings agree within :data:`~.gazetteer.AGREE_M` gives street_number
level. A number the gazetteer does not know is placed between its known neighbours on the same
side (:mod:`._interpolate`, level ``street_number_interpolated``); an address that says no more
than the district (or is empty) is placed by the row's name (:mod:`._names`, level ``name``),
and so is a unit on a campus (清华大学自动化系) rather than the campus point. English and pinyin
names are found by their English keys and their pinyin (:mod:`._pinyin_keys`). Anything else is
``none`` with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from origin_map.geocode._admin import LOCAL_AREAS
from origin_map.geocode._english import english_key
from origin_map.geocode._features import (
    AGREE_M,
    NUMBER_REACH_M,
    Compound,
    Feature,
    centroid,
    reach_m,
    spread_m,
)
from origin_map.geocode._interpolate import interpolate
from origin_map.geocode._result import Match
from origin_map.geocode.normalise import ParsedAddress, address_key, parse_address

if TYPE_CHECKING:
    from origin_map.geocode.gazetteer import Gazetteer

__all__ = ["AREA_LABEL", "decide", "decide_key", "name_free"]

AREA_LABEL = "北京市海淀区"
_GENERIC_WORDS = frozenset(
    "building bldg tower block plaza park center centre mansion street road station the of and "
    "international science technology hi tech university institute beijing haidian china "
    "commercial business office square east west south north middle new".split())
_TOKEN = re.compile(r"\d+(?:-\d+)?(?:号楼|号院|号|栋|幢|层|楼|室|f|座|单元|区)"
                    r"|[a-h]{1,2}(?:座|栋)|院")
FUZZY_MIN = 75.0
"""Smallest rapidfuzz ``partial_ratio`` of a misspelt name that a road+number or compound
corroborates; without corroboration a name needs 90 and five characters."""


@dataclass
class _Evidence:
    road: str = ""
    hits: list[tuple[str, Feature, str]] = field(default_factory=list)  # alias, feature, tower
    compounds: list[Compound] = field(default_factory=list)
    rest: str = ""


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def _scan(gaz: Gazetteer, p: ParsedAddress) -> _Evidence:
    """Find the known names in ``p.text`` that stand on their own (see module doc)."""
    t = p.text
    if p.english:
        return _scan_english(gaz, p)
    explained = bytearray(len(t))
    explained[: p.body_start] = b"\x01" * p.body_start
    a, b = p.road_span
    explained[a:b] = b"\x01" * (b - a)
    for rx in (gaz.explain_re, _TOKEN):
        for m in rx.finditer(t):
            explained[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    taken = bytearray(len(t))
    cands: list[tuple[int, str, str]] = []
    todo = [e for ch in set(t) for e in gaz.by_first.get(ch, ()) if e[0] in t]  # then sort few
    todo.sort(key=lambda e: (-len(e[0]), e[1] == "feature", e[0]))
    for alias, kind in todo:
        i = t.find(alias)
        while i >= 0:
            j = i + len(alias)
            if not any(taken[i:j]):
                taken[i:j] = b"\x01" * (j - i)
                cands.append((i, alias, kind))
            i = t.find(alias, i + 1)
    ev = _Evidence(road=gaz.road_of(p.road))
    for i, alias, _ in cands:
        explained[i:i + len(alias)] = b"\x01" * len(alias)
    drop = bytearray(len(t))
    drop[: p.body_start] = b"\x01" * p.body_start
    drop[a:b] = b"\x01" * (b - a)
    for i, alias, kind in cands:
        if i and _is_cjk(t[i - 1]) and not explained[i - 1]:
            continue  # part of a longer, unknown name (新东升大厦 is not 东升大厦)
        if kind == "compound":
            ev.compounds.append(gaz.compounds[alias])
            drop[i:i + len(alias)] = b"\x01" * len(alias)
            if gaz.compounds[alias].point is None and alias in gaz.aliases:
                _add_hits(gaz, ev, alias)  # also a building's name: 中关村智造大街
        else:
            _add_hits(gaz, ev, alias)
    ev.rest = "".join(ch for ch, d in zip(t, drop, strict=True) if not d)
    return ev


def _add_hits(gaz: Gazetteer, ev: _Evidence, alias: str,
              entries: list[tuple[Feature, str]] | None = None) -> None:
    for feat, tower in entries if entries is not None else gaz.aliases[alias]:
        if feat.kind == "building":
            ev.hits.append((alias, feat, tower))
        elif feat.compound in gaz.compounds:
            ev.compounds.append(gaz.compounds[feat.compound])
        else:
            ev.compounds.append(Compound(feat.name, feat))


@lru_cache(maxsize=8)
def _longest_first(keys: tuple[str, ...]) -> list[str]:
    return sorted(keys, key=len, reverse=True)


def _scan_english(gaz: Gazetteer, p: ParsedAddress) -> _Evidence:
    padded = f" {english_key(p.text)} "
    ev = _Evidence(road=gaz.road_of(p.road, english=True), rest=p.text)
    for key in _longest_first(tuple(gaz.english)):
        if f" {key} " in padded:
            _add_hits(gaz, ev, key, gaz.english[key])
            padded = padded.replace(f" {key} ", " | ")
    _scan_pinyin(gaz, ev, padded.split())
    if not ev.hits:  # "Tsinghua Tongfang Technology Plaza", "Qidi Science Building, TusPark"
        words = set(padded.split())
        named = {c.name for c in ev.compounds}
        for key, entries in gaz.english.items():
            own = _own_words(key)
            n = len(own & words)
            if n >= 2 and 2 * n >= len(own):
                _add_hits(gaz, ev, key, entries)
            elif n == 1 and gaz.english_word_is_one_place(next(iter(own & words))) and (
                    set(key.split()) - {"of", "the", "and"} <= words
                    or any(f.compound and f.compound in named for f, _ in entries)):
                _add_hits(gaz, ev, key, entries)  # one telling word, confirmed
    return ev


_SUFFIX_WORDS = frozenset({"building", "plaza", "center"})


def _scan_pinyin(gaz: Gazetteer, ev: _Evidence, tokens: list[str]) -> None:
    """Find Chinese names written in pinyin, in words of any length.

    "Dongsheng Dasha", "Huaqing Jiayuan", "Lanqiying": runs of whole words whose letters are
    a name's key (:func:`._pinyin_keys.name_keys`).
    """
    for i in range(len(tokens)):
        run = ""
        for tok in tokens[i:i + 8]:
            if not tok.isalpha():
                break
            if tok in _SUFFIX_WORDS and run and f"{run} {tok}" in gaz.pinyin:
                _add_hits(gaz, ev, f"{run} {tok}", gaz.pinyin[f"{run} {tok}"])
            run += tok
            for c in {c.name for c in ev.compounds}:  # 东主楼 "Dong Zhu Lou" on a named campus
                _add_hits(gaz, ev, run, gaz.pinyin.get(f"{c}|{run}", []))
            if run in gaz.pinyin_compounds:
                ev.compounds.append(gaz.compounds[gaz.pinyin_compounds[run]])
            elif run in gaz.pinyin:
                _add_hits(gaz, ev, run, gaz.pinyin[run])


@lru_cache(maxsize=4096)
def _own_words(key: str) -> frozenset[str]:
    """Return the words of an English name that tell it apart (not "building", "tsinghua"…)."""
    return frozenset(w for w in key.split() if w.isalpha() and len(w) > 2) - _GENERIC_WORDS


def _conflict(f: Feature, p: ParsedAddress, road: str) -> str:
    """Return how the address contradicts building ``f`` ("" if it does not)."""
    if road and p.number and f.road and (f.road != road or (
            f.numbers and p.number not in f.numbers)):
        return f"{road}{p.number}号"
    if p.building_no and f.building_no and p.building_no != f.building_no:
        return f"{p.building_no}号楼"
    return ""


def _tower_ok(asked: str, known: str) -> bool:
    return not asked or not known or asked in known or known in asked


def _building(feats: list[Feature], score: float, how: str, p: ParsedAddress,
              towers: list[str]) -> Match | None:
    """Return a building-level match on ``feats`` (which agree) or None if they disagree."""
    unique = list({f.fid: f for f in feats}.values())
    if len(unique) > 1 and p.tower:
        by_tower = [f for f, tw in zip(feats, towers, strict=True)
                    if tw and _tower_ok(p.tower, tw)]
        by_tower = by_tower or [f for f in unique if f"{p.tower}座" in f.name.lower()]  # D座
        unique = list({f.fid: f for f in by_tower}.values()) or unique
    if spread_m(unique) > AGREE_M:
        return None
    named = [tw for tw in towers if tw]
    if p.tower and named and not any(_tower_ok(p.tower, tw) for tw in named):
        score -= 0.1  # the tower asked for is not one the gazetteer names
    lat, lon = (round(v, 7) for v in centroid(unique))
    main = unique[0]
    return Match(lat, lon, "building", round(score, 2), f"gazetteer:{main.source}",
                 f"{' | '.join(f'{f.name} [{f.fid}]' for f in unique)} ← {how}")


def _fuzzy(gaz: Gazetteer, p: ParsedAddress, ev: _Evidence) -> Match | None:
    from rapidfuzz import fuzz, process

    if p.english or len(ev.rest) < 3:
        return None
    named = {c.name for c in ev.compounds} | {c.name for c in gaz.compounds_at(ev.road, p.number)}
    for alias, ratio, _ in process.extract(ev.rest, gaz.fuzzy_choices, scorer=fuzz.partial_ratio,
                                           score_cutoff=FUZZY_MIN, limit=5):
        if len(alias) > len(ev.rest):
            continue  # the text must hold the (misspelt) name, not a piece of it
        ok = []
        for feat, tower in gaz.aliases[alias]:
            if feat.kind != "building" or _conflict(feat, p, ev.road):
                continue
            at_number = bool(ev.road and p.number and feat.road == ev.road)
            if at_number or feat.compound in named or (ratio >= 90 and len(alias) >= 5):
                ok.append((feat, tower))
        if ok:  # every building of the name, so that the tower asked for picks among them
            score = 0.55 + 0.35 * (ratio - FUZZY_MIN) / (100 - FUZZY_MIN)
            return _building([f for f, _ in ok], score, f"~{alias} ({ratio:.0f}%)", p,
                             [tw for _, tw in ok])
    return None


def _homophone(gaz: Gazetteer, p: ParsedAddress, ev: _Evidence) -> Match | None:
    """Find a known name written with other characters of the same pinyin (威胜大厦 = 威盛大厦).

    Pinyin input makes such slips common. The address must say it is here (北京, 海淀区, or a
    known road and number); the name must have four characters or more, stand on its own in the
    text (not after an unknown character: 新威胜大厦 is another name) and agree with the road and
    number.
    """
    if p.english or len(ev.rest) < 4 or not (p.city or p.district or (ev.road and p.number)):
        return None  # only where the address says it is here (北京/海淀区, or a known road)
    sounds = gaz.pinyin_of(ev.rest)
    for i, syl in enumerate(sounds):
        if i and _is_cjk(ev.rest[i - 1]):
            continue
        for key, alias, kind in gaz.by_first_sound.get(syl, ()):
            written = ev.rest[i:i + len(key)]
            if tuple(sounds[i:i + len(key)]) != key or written == alias:
                continue
            how = f"{written} = {alias} (同音)"
            if kind == "compound":
                c = gaz.compounds[alias]
                inside = [f for k in (p.building_no, p.tower) if k
                          for f in gaz.by_building_no.get((c.name, k), [])]
                if inside:  # 华清家园7号楼: block 7 of 华清嘉园
                    return _building(inside, 0.75, how, p, [""] * len(inside))
                if c.point is not None:
                    return Match(c.point.lat, c.point.lon, "compound", 0.5,
                                 f"gazetteer:{c.point.source}", f"{c.name} [{c.point.fid}] ← {how}")
                continue
            ok = [(f, tw) for f, tw in gaz.aliases[alias]
                  if f.kind == "building" and not _conflict(f, p, ev.road)]
            if ok:
                at_number = bool(ev.road and p.number and ok[0][0].road == ev.road)
                return _building([f for f, _ in ok], 0.85 if at_number else 0.75, how, p,
                                 [tw for _, tw in ok])
    return None


def _street_number(road: str, num: str, at_number: list[Feature]) -> Match:
    """Place a street number at the mean of its known buildings, if they are close enough."""
    spread = spread_m(at_number)
    if reach_m(at_number) > NUMBER_REACH_M:
        return Match.none("ambiguous_number", road=road, number=num, spread=spread)
    lat, lon = (round(v, 7) for v in centroid(at_number))
    names = ", ".join(dict.fromkeys(f.name for f in at_number))
    return Match(lat, lon, "street_number", 0.7 if spread <= AGREE_M else 0.55,
                 f"gazetteer:{at_number[0].source}", f"{road}{num}号 ({names})")


def _structured(gaz: Gazetteer, p: ParsedAddress, ev: _Evidence) -> Match | None:
    """Compound building number, compound point, or street number."""
    road, num = ev.road, p.number
    at_number = gaz.by_number.get((road, num), []) if road and num else []
    # the compound that the road and number name comes before one named in the text:
    # "中关村东路1号（清华大学东南角）" is TusPark, described by its place on the campus corner
    comps = list({c.name: c for c in gaz.compounds_at(road, num) + ev.compounds}.values())
    if p.building_no or p.tower:
        feats = [f for c in comps for key in (p.building_no, p.tower) if key
                 for f in gaz.by_building_no.get((c.name, key), [])]
        feats += [f for f in at_number if p.building_no and f.building_no == p.building_no]
        if feats:
            what = f"{p.building_no}号楼" if p.building_no else f"{p.tower}座"
            found = _building(feats, 0.92, f"{comps[0].name if comps else road + num + '号'}"
                              f"{what}", p, [""] * len(feats))
            if found:
                return found
    with_point = [c for c in comps if c.point is not None]
    if at_number and with_point and with_point[0] not in ev.compounds and not p.building_no \
            and any(f.compound != with_point[0].name for f in at_number):
        # the number is not the compound's alone (成府路35号: 华清嘉园 and 东源大厦): its
        # buildings; but a block of it (成府路35号院12号楼) is in the compound
        by_number = _street_number(road, num, at_number)
        if by_number.level != "none":
            return by_number
    if with_point:
        c = with_point[0]
        pt = c.point
        assert pt is not None
        campus = pt.kind == "campus"
        reasons: tuple[tuple[str, dict[str, object]], ...] = (
            (("campus_point", {"name": c.name}),) if campus else ())
        return Match(pt.lat, pt.lon, "compound", 0.35 if campus else 0.6,
                     f"gazetteer:{pt.source}", f"{c.name} [{pt.fid}]", reasons)
    if at_number:
        return _street_number(road, num, at_number)
    if comps:
        return Match.none("compound_no_position", compound=comps[0].name,
                          building=p.building_no or "?")
    return None


def decide(gaz: Gazetteer, address: object, name: object = None) -> Match:
    """Return the gazetteer's best position for ``address`` (see the module doc)."""
    return decide_key(gaz, address_key(address), name)


_NAME_FREE = frozenset({"elsewhere", "unknown_road", "ambiguous_name"})


def name_free(found: Match) -> bool:
    """Whether :func:`decide_key` gave ``found`` without reading the row's name.

    Then every row with the same address key gets it, whatever its name: a building matched
    by the address (not by the name, "← name …"), or an address refused before the name is read.
    """
    if found.level == "building":
        return not found.matched.rpartition(" ← ")[2].startswith("name ")
    return not found.placed and bool(found.reasons) and found.reasons[0][0] in _NAME_FREE


def decide_key(gaz: Gazetteer, text: str, name: object = None) -> Match:
    """Return the best position for an address key (:func:`~.normalise.address_key`)."""
    if not text:
        return gaz.match_name(str(name).strip()) if name and str(name).strip() \
            else Match.none("empty")
    p = parse_address(text, normalised=True)
    if p.elsewhere:
        return Match.none("elsewhere", place=p.elsewhere, area=AREA_LABEL)
    ev = _scan(gaz, p)
    if p.road and p.number and not ev.road:
        a, b = p.road_span
        return Match.none("unknown_road", road=p.text[a:b] if p.english else p.road[-12:])
    good = [(a, f, tw) for a, f, tw in ev.hits if not _conflict(f, p, ev.road)]
    if good:
        agree = ev.road and p.number and any(f.road == ev.road for _, f, _ in good)
        how = " + ".join(dict.fromkeys(a for a, _, _ in good))
        found = _building([f for _, f, _ in good], 0.98 if agree else 0.9, how, p,
                          [tw for _, _, tw in good])
        if found:
            return found
        return Match.none("ambiguous_name", name=how, spread=spread_m(f for _, f, _ in good))
    found = None
    other_block = bool(ev.hits and ev.compounds) and all(  # "Building 12, Huaqing Jiayuan"
        _conflict(f, p, ev.road).endswith("号楼") for _, f, _ in ev.hits)
    if not ev.hits or other_block:
        found = _structured(gaz, p, ev)
        if found is None or found.level != "building":
            found = _fuzzy(gaz, p, ev) or _homophone(gaz, p, ev) or found
    if (found is None or found.level != "building") and name:
        by_name = _by_name(gaz, name, p, ev)
        found = by_name or found
    if found is None and ev.hits:
        _, f, _ = ev.hits[0]
        conflict: tuple[str, dict[str, object]] = ("name_conflict", {
            "name": f.name, "given": _conflict(f, p, ev.road),
            "known": f"{f.road}{f.numbers[0] if f.numbers else ''}号" if f.road else f.compound})
        at_number = gaz.by_number.get((ev.road, p.number), []) if ev.road and p.number else []
        if at_number:  # the number the address gives is known: placed there, never finer
            by_number = _street_number(ev.road, p.number, at_number)
            if by_number.level != "none":
                return replace(by_number, score=0.45, reasons=(conflict,))
        return Match(source="gazetteer", reasons=(conflict,))
    if found is not None and found.reasons and found.reasons[0][0] == "campus_point":
        unit = gaz.names.match(p.text[p.body_start:], units_only=True)  # 清华大学自动化系
        if unit is not None and unit.placed:
            return unit
    if found is not None:
        return found
    if name and _says_nothing(p):  # "北京市海淀区" (or "五道口") and a known name
        by_name = gaz.names.match(str(name).strip())
        if by_name is not None:
            return by_name
    if ev.road and p.number:
        return interpolate(gaz, ev.road, p.number) or Match.none(
            "unknown_number", road=ev.road, number=p.number)
    return Match.none("nothing")


_VAGUE = re.compile("|".join(sorted(LOCAL_AREAS, key=len, reverse=True))
                    + r"|\b(?:beijing|haidian|district|qu|shi|china|p r|city)\b|[\d\s,.;:()-]")


def _says_nothing(p: ParsedAddress) -> bool:
    """Whether the address says no more than the district or a neighbourhood.

    Then the row's name may place it (北京市海淀区五道口); an address naming anything else
    (上地十街, a road the gazetteer does not know) may not.
    """
    return not _VAGUE.sub("", p.text[p.body_start:])


def _by_name(gaz: Gazetteer, name: object, p: ParsedAddress, ev: _Evidence) -> Match | None:
    """Place by the row's name when it is a known building consistent with the address."""
    pn = parse_address(str(name))
    if pn.elsewhere:
        return None
    hits = [(a, f, tw) for a, f, tw in _scan(gaz, pn).hits if not _conflict(f, p, ev.road)]
    if not hits:
        return None
    return _building([f for _, f, _ in hits], 0.8, f"name {hits[0][0]}", p,
                     [tw for _, _, tw in hits])
