"""The offline gazetteer: buildings, compounds and places of the area, with their positions.

Built from ``geodata/buildings.csv`` (schema in ``geodata/README.md``), ``centres.csv``, the
places of ``places.csv`` whose position is ``surveyed`` or ``poi`` (an estimated position is
no evidence for an address) and the outlines of ``areas.geojson`` (a compound's point; a
campus's point is the centre of its outline, not a map POI). Every place of ``places.csv`` in
the area, whatever its position quality, is known by name for rows without an address
(:mod:`._names`). :meth:`Gazetteer.match` (in :mod:`._decide`) turns an address into a position
with a level (building, compound, street_number, street_number_interpolated, name) or says why
it cannot.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from origin_map.geocode._admin import LOCAL_AREAS
from origin_map.geocode._english import english_key
from origin_map.geocode._features import (
    AGREE_M,
    NUMBER_REACH_M,
    Compound,
    Feature,
    centroid,
    distance_m,
    reach_m,
    spread_m,
)
from origin_map.geocode._names import NameIndex, building_entry, distinctive, name_core
from origin_map.geocode._pinyin_keys import name_keys, road_keys
from origin_map.geocode._result import Match
from origin_map.geocode.normalise import normalise_address, parse_address

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["AGREE_M", "Compound", "Feature", "Gazetteer", "distance_m"]

_NAME_END = re.compile(r"(大厦|大楼|中心|广场|园|楼|馆|站|院|所|大学|学院|座|厦|商城|公寓|宾馆"
                       r"|酒店)$")
_TOWER_END = re.compile(r"(?<![a-z])([a-h]{1,2}|[东西南北中])(?:座|栋)$")
_BNO_END = re.compile(r"^(?P<compound>.*?)(?P<bno>\d{1,3})(?:号楼|栋|幢)$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_NOT_NAMES = {"poi", "section", "line", "historic", "early", "office", "formerly", "now", "bldg",
              "tower", "building", "block", "east", "west", "south", "north"}


def split_names(*texts: object) -> list[str]:
    """Return the names in name cells: ``东升大厦（原点大厦）`` gives both; ``|`` separates."""
    out: list[str] = []
    for text in texts:
        if not isinstance(text, str) or not text.strip():
            continue
        for part in text.split("|"):
            s = normalise_address(part)
            inner = re.findall(r"\(([^()]*)\)", s)
            main = re.sub(r"\([^()]*\)", "", s).strip()
            out.append(main)
            for piece in (p.strip() for i in inner for p in re.split(r"[,;]", i)):
                words = set(re.findall(r"[a-z]+", piece))
                if _NAME_END.search(piece) or (not _CJK.search(piece) and len(words) >= 2
                                               and not words & _NOT_NAMES):
                    out.append(piece)
    return [n for n in out if n]


def _numbers(value: object) -> tuple[str, ...]:
    s = normalise_address(value).removesuffix("号")
    m = re.fullmatch(r"(\d+)-(\d+)", s)
    if m and 0 <= int(m.group(2)) - int(m.group(1)) <= 20:
        return (s, *(str(n) for n in range(int(m.group(1)), int(m.group(2)) + 1)))
    return (s,) if s else ()


def _cell(row: pd.Series, col: str) -> str:
    v = row.get(col, "")
    return "" if pd.isna(v) else str(v).strip()


def _block_mean(comp: Compound) -> Feature | None:
    """Return the point of a compound known only by its buildings, if they make one place.

    Buildings that agree (within :data:`AGREE_M`) give their mean; three or more blocks of a
    residential compound (蓝旗营 6–12号楼, 240 m apart) give theirs when each is within
    :data:`~._features.NUMBER_REACH_M` of it, which says so.
    """
    n = len(comp.buildings)
    if spread_m(comp.buildings) <= AGREE_M:
        source = "buildings.csv (mean of its buildings)"
    elif sum(bool(f.building_no) for f in comp.buildings) >= 3 and (
            reach := reach_m(comp.buildings)) <= NUMBER_REACH_M:
        source = f"buildings.csv (mean of its {n} known blocks, each within {reach:.0f} m)"
    else:
        return None
    lat, lon = (round(v, 7) for v in centroid(comp.buildings))
    return Feature(f"compound:{comp.name}", comp.name, "compound", lat, lon, source)


def _latin(key: str) -> str:
    """Return a pinyin key as English text is compared (清华 is written Tsinghua)."""
    return key.replace("qinghua", "tsinghua").replace("daxue", "university")


@lru_cache(maxsize=8192)
def _sound(ch: str) -> str:
    """Return the toneless pinyin of one character, read on its own (厦 → sha)."""
    from pypinyin import lazy_pinyin

    return lazy_pinyin(ch)[0] if _CJK.match(ch) else ch


class Gazetteer:
    """Known buildings, compounds and places, indexed for :meth:`match`.

    Build it with :meth:`from_geodata` (the shipped files) or :meth:`from_frames` (tables of the
    same columns, e.g. tiny ones in tests).
    """

    def __init__(self) -> None:
        self.features: list[Feature] = []
        self.aliases: dict[str, list[tuple[Feature, str]]] = defaultdict(list)
        self.english: dict[str, list[tuple[Feature, str]]] = defaultdict(list)
        self.compounds: dict[str, Compound] = {}
        self.by_number: dict[tuple[str, str], list[Feature]] = defaultdict(list)
        self.campus_by_number: dict[tuple[str, str], list[Feature]] = defaultdict(list)
        self.by_building_no: dict[tuple[str, str], list[Feature]] = defaultdict(list)
        self.roads: set[str] = set()
        self.road_keys: dict[str, str] = {}
        self.scan: list[tuple[str, str]] = []  # (alias, "feature"/"compound"), longest first
        self.fuzzy_choices: list[str] = []
        self.by_first: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.explain_re: re.Pattern[str] = re.compile("(?!)")
        self._word_places: dict[str, bool] = {}
        self.by_first_sound: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        self.pinyin: dict[str, list[tuple[Feature, str]]] = defaultdict(list)
        self.pinyin_compounds: dict[str, str] = {}
        self.names = NameIndex()
        self._named_buildings: list[tuple[Feature, list[str]]] = []

    # ------------------------------------------------------------------ building
    @classmethod
    def from_geodata(cls, folder: str | Path | None = None) -> Gazetteer:
        """Build the gazetteer from ``buildings.csv``, ``centres.csv`` and ``places.csv``.

        ``folder`` defaults to :func:`origin_map.paths.geodata_dir`; a missing file is
        skipped (the gazetteer is then smaller, never wrong).
        """
        from origin_map.paths import geodata_dir

        base = Path(folder) if folder is not None else geodata_dir()
        frames = {}
        for name in ("buildings", "centres", "places"):
            path = base / f"{name}.csv"
            frames[name] = (pd.read_csv(path, dtype=str, keep_default_na=False,
                                        encoding="utf-8-sig") if path.is_file() else None)
        outlines = None
        if (base / "areas.geojson").is_file():
            from origin_map.io.shapes import read_shapes

            outlines = read_shapes(base / "areas.geojson")[0]
        return cls.from_frames(**frames, outlines=outlines)

    @classmethod
    def from_frames(cls, buildings: pd.DataFrame | None = None,
                    centres: pd.DataFrame | None = None,
                    places: pd.DataFrame | None = None,
                    outlines: gpd.GeoDataFrame | None = None) -> Gazetteer:
        """Build the gazetteer from tables with the columns of the shipped CSV files.

        ``outlines`` (the columns of ``areas.geojson``: ``name_zh``, ``name_en``, polygon
        geometry in WGS-84) gives a point to a named compound that has none: the centroid of the
        outline together with the compound's known buildings (an outline may leave some out).
        """
        gaz = cls()
        seen: set[str] = set()
        for _, row in (buildings if buildings is not None else pd.DataFrame()).iterrows():
            gaz._add_building(row, seen)
        for _, row in (places if places is not None else pd.DataFrame()).iterrows():
            if _cell(row, "position_quality") in ("surveyed", "poi"):
                kind = "campus" if _cell(row, "kind") in ("university", "park") else "building"
                gaz._add_named(row, seen, "places.csv", kind)
        for _, row in (centres if centres is not None else pd.DataFrame()).iterrows():
            gaz._add_named(row, seen, "centres.csv", "building")
        gaz._add_outlines(outlines)
        gaz._finish()
        gaz.names.add_places(places)
        return gaz

    def _add_outlines(self, outlines: gpd.GeoDataFrame | None) -> None:
        from shapely import MultiPoint, unary_union

        from origin_map.measure.areas import to_local

        for _, row in (outlines if outlines is not None else pd.DataFrame()).iterrows():
            geom = row.get("geometry")
            names = split_names(row.get("name_zh"), row.get("name_en"))
            comp = next((self.compounds[n] for n in names if n in self.compounds), None)
            campus = bool(comp and comp.point and comp.point.kind == "campus")
            if geom is None or geom.is_empty or not names or (
                    comp and comp.point and not campus):
                continue
            lat0, lon0 = geom.representative_point().y, geom.representative_point().x
            local = to_local(geom, lat0, lon0)
            pts = [to_local(MultiPoint([(f.lon, f.lat)]), lat0, lon0)
                   for f in (comp.buildings if comp else [])]
            hull = unary_union([local, *pts]).convex_hull
            if hull.area > 2_000_000:  # a campus: the centre of its outline, not a map POI
                campus, hull = True, local
            comp = comp or self.compounds.setdefault(names[0], Compound(names[0]))
            c = to_local(hull.centroid, lat0, lon0, inverse=True)
            fid = str(row.get("place_id") or names[0])
            comp.point = Feature(f"outline:{fid}", comp.name, "campus" if campus else "compound",
                                 round(c.y, 7), round(c.x, 7), "areas.geojson (centroid of the "
                                 + ("campus outline)" if campus else
                                    "outline and the compound's buildings)"))

    def _point(self, row: pd.Series) -> tuple[float, float] | None:
        try:
            lat, lon = float(_cell(row, "lat")), float(_cell(row, "lon"))
        except ValueError:
            return None
        return (lat, lon) if math.isfinite(lat) and math.isfinite(lon) else None

    def _add_building(self, row: pd.Series, seen: set[str]) -> None:
        point = self._point(row)
        fid = _cell(row, "id")
        if point is None or not fid or fid in seen:
            return
        seen.add(fid)
        feat = Feature(fid, _cell(row, "name_zh") or _cell(row, "name_en"), "building", *point,
                       "buildings.csv", normalise_address(_cell(row, "road")),
                       _numbers(_cell(row, "number")), normalise_address(_cell(row, "compound")),
                       normalise_address(_cell(row, "building_no")).removesuffix("号楼"))
        self._register(feat, split_names(_cell(row, "name_zh"), _cell(row, "name_en"),
                                         _cell(row, "aliases")))

    def _add_named(self, row: pd.Series, seen: set[str], source: str, kind: str) -> None:
        point = self._point(row)
        fid = _cell(row, "id")
        if point is None or not fid or fid in seen:
            return
        seen.add(fid)
        names = split_names(_cell(row, "name_zh"), _cell(row, "name_en"))
        compound = next((n for n in names if n in self.compounds), "")
        p = parse_address(_cell(row, "address")) if _cell(row, "address") else None
        road, number = (p.road, p.number) if p and not p.english and not p.elsewhere else ("", "")
        if compound and kind != "campus":  # a university keeps its campus kind
            kind = "compound"
        feat = Feature(fid, _cell(row, "name_zh") or _cell(row, "name_en"), kind, *point, source,
                       self._known_road(road) or road, _numbers(number),
                       compound or (names[0] if kind == "campus" and names else ""))
        self._register(feat, names)

    def _register(self, feat: Feature, names: list[str]) -> None:
        self.features.append(feat)
        if feat.kind == "building" and feat.source == "buildings.csv":
            self._named_buildings.append((feat, names))
        if feat.road:
            self.roads.add(feat.road)
        if feat.compound:
            comp = self.compounds.setdefault(feat.compound, Compound(feat.compound))
            if feat.kind == "building":
                comp.buildings.append(feat)
            elif comp.point is None:
                comp.point = feat
        if feat.compound and feat.building_no:
            self.by_building_no[(feat.compound, feat.building_no)].append(feat)
        for name in names:
            m = _BNO_END.match(name)
            if m and re.fullmatch(r"\d+号院?", m.group("compound")):
                continue  # 1号院5号楼: the road and number columns say it
            if m and m.group("compound"):
                self.compounds.setdefault(m.group("compound"), Compound(m.group("compound")))
                self.by_building_no[(m.group("compound"), m.group("bno"))].append(feat)
                continue
            t = _TOWER_END.search(name)
            base, tower = (name[: t.start()], t.group(1)) if t and t.start() >= 2 else (name, "")
            if tower and base == feat.compound:  # 华清嘉园G座: a tower letter in a compound
                self.by_building_no[(base, tower)].append(feat)
                continue
            if _CJK.search(base):
                if len(base) >= 3:
                    self.aliases[base].append((feat, tower))
                for key in name_keys(base) if distinctive(name_core(base)) else ():
                    self.pinyin[_latin(key)].append((feat, tower))  # 东升大厦: dongsheng building
                for key in name_keys(base, compound=True) if feat.compound else ():
                    self.pinyin[f"{feat.compound}|{key}"].append((feat, tower))  # 东主楼 on 清华
            elif len(base) >= 6 and re.search(r"[a-z]{3}", base):
                key = english_key(base)
                self.english[key].append((feat, tower))

    def _known_road(self, road: str) -> str:
        """Return the known road that ``road`` (as written) ends with, longest first."""
        if road in self.roads:
            return road
        return next((r for r in sorted(self.roads, key=len, reverse=True)
                     if road.endswith(r)), "")

    def _finish(self) -> None:
        """Index street numbers, give compounds a point, build the scan and pinyin lists."""
        for feat in self.features:
            for num in feat.numbers:
                key = (feat.road, num)
                (self.campus_by_number if feat.kind == "campus" else self.by_number)[key].append(
                    feat)
        for comp in self.compounds.values():
            if comp.point is None and len(comp.buildings) >= 2:
                comp.point = _block_mean(comp)
        self._index_latin()
        for feat, names in self._named_buildings:
            home = self.compounds.get(feat.compound)
            campus = bool(home and home.point and home.point.kind == "campus")
            self.names.add(*building_entry(feat, names, campus))
        scan = [(a, "feature") for a in self.aliases] + [(c, "compound") for c in self.compounds]
        self.scan = sorted(set(scan), key=lambda x: (-len(x[0]), x[1] == "feature", x[0]))
        self.fuzzy_choices = [a for a in self.aliases if len(a) >= 4]
        self.by_first = defaultdict(list)
        for alias, kind in self.scan:
            self.by_first[alias[0]].append((alias, kind))
        self.by_first_sound = defaultdict(list)
        for alias, kind in self.scan:  # names of 4+ Chinese characters, by their pinyin
            if len(alias) >= 4 and all("\u3400" <= ch <= "\u9fff" for ch in alias):
                sounds = tuple(self.pinyin_of(alias))
                self.by_first_sound[sounds[0]].append((sounds, alias, kind))
        words = sorted({*self.roads, *LOCAL_AREAS}, key=len, reverse=True)
        self.explain_re = re.compile("|".join(map(re.escape, words)) or "(?!)")

    def _index_latin(self) -> None:
        """Index roads and names by their pinyin keys; drop keys that name places apart."""
        keys: dict[str, set[str]] = defaultdict(set)
        for road in self.roads:
            for key in road_keys(road):
                keys[key].add(road)
        self.road_keys = {k: next(iter(v)) for k, v in keys.items() if len(v) == 1}
        for key in [k for k, v in self.pinyin.items() if spread_m(f for f, _ in v) > AGREE_M]:
            del self.pinyin[key]
        names: dict[str, set[str]] = defaultdict(set)
        for comp in self.compounds:
            for key in name_keys(comp, compound=True):
                names[_latin(key)].add(comp)
        self.pinyin_compounds = {k: next(iter(v)) for k, v in names.items() if len(v) == 1}

    @staticmethod
    def pinyin_of(text: str) -> list[str]:
        """Return the toneless pinyin of each character of ``text`` (itself if not Chinese)."""
        return [_sound(ch) for ch in text]

    def english_word_is_one_place(self, word: str) -> bool:
        """Whether every English name holding ``word`` names one place (within AGREE_M).

        Such a word ("qidi", "innovation") may identify a building on its own when the rest of
        the address confirms it; "tsinghua" names buildings kilometres apart and may not.
        """
        if len(word) < 4:
            return False
        if word not in self._word_places:
            feats = [f for key, entries in self.english.items() if word in key.split()
                     for f, _ in entries]
            self._word_places[word] = bool(feats) and spread_m(feats) <= AGREE_M
        return self._word_places[word]

    def road_of(self, written: str, *, english: bool = False) -> str:
        """Return the gazetteer road meant by a road as written (pinyin key if ``english``)."""
        if not written:
            return ""
        if english:
            for key in (written, written.removesuffix("jie") + "dajie",
                        re.sub(r"jie(dong|xi|nan|bei)?$", r"dajie\1", written)):
                if key in self.road_keys:
                    return self.road_keys[key]
            return ""
        return self._known_road(written)

    def compounds_at(self, road: str, number: str) -> list[Compound]:
        """Return the compounds whose buildings stand at ``road`` ``number``."""
        feats = self.by_number.get((road, number), []) + self.campus_by_number.get(
            (road, number), [])
        names = {f.compound for f in feats if f.compound}
        return [self.compounds[n] for n in sorted(names) if n in self.compounds]

    def match_name(self, name: str) -> Match:
        """Return the position of a row known only by its name (a building or a shipped firm)."""
        return self.names.match(name) or Match.none("name_unknown", name=name)

    def match(self, address: object, name: object = None) -> Match:
        """Return the best position for ``address`` (and optionally a place ``name``).

        See :func:`origin_map.geocode._decide.decide` for the rules; the result never places
        an address from another city or district, or on an unknown road or street number.
        """
        from origin_map.geocode._decide import decide

        return decide(self, address, name)

    def match_key(self, key: str, name: object = None) -> Match:
        """Return :meth:`match` of an address given by its key (:func:`.normalise.address_key`)."""
        from origin_map.geocode._decide import decide_key

        return decide_key(self, key, name)
