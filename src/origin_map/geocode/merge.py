"""Merge the user's list of places with the shipped places: one row per place, the user's wins.

:func:`merge_places` adds the rows of a user's list (an upload, or geocoded rows) to the shipped
places. A user row is **the same place** as a shipped row when both hold

* the same **name**, normalised as the geocoder normalises names
  (:func:`origin_map.geocode._names.name_cores`): full-width → half-width, traditional →
  simplified, case, spaces, brackets, the region (北京, （北京）) and the legal form
  (有限公司, 有限责任公司, 股份有限公司, Co., Ltd.) removed, and trade words (科技, Technology)
  when what is left is distinctive. Every name of a row counts: ``name_zh``, ``name_en``, the
  names in their brackets (智谱（北京智谱华章科技） is 智谱 and 北京智谱华章科技) and an
  ``aliases`` column (``|`` or ``;`` separated) if the table has one; a Latin name also matches
  the pinyin of a Chinese one (Zhipu Huazhang ↔ 智谱华章);
* and the same **building**: the same gazetteer building id when both rows carry one
  (``building_id``, or for a geocoded row placed at building level the one building its
  ``geocode_match`` names), else positions at most :data:`SAME_BUILDING_M` metres apart.

Then the user's row wins: it is kept with its own columns, and the shipped rows it stands for are
left out; their ids are kept in the user row's ``replaces`` column (``|`` separated). A firm of
the same name in another building (a firm with two offices, or a move) is **not** merged: both
rows stay, and :attr:`MergeSummary.other_building` lists each such pair for the user to check.
Every merged row says where it came from in ``origin`` (``user`` or ``shipped``). Ids stay
unique: a user id that is also the id of a shipped row kept is prefixed ``user-``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from origin_map.errors import DataValidationError, Problem
from origin_map.geocode._features import distance_m
from origin_map.geocode._names import _name_parts, _pinyin_key, distinctive, name_cores
from origin_map.i18n import text

__all__ = ["SAME_BUILDING_M", "MergeSummary", "is_merged", "merge_places", "name_keys"]

SAME_BUILDING_M = 40.0
"""Two rows without a common building id are in the same building when at most this far apart.

40 m: two sources' points for one building differ by up to about 45 m in the shipped data's own
cross-checks (东升大厦: an AMap and a Baidu point 34 m and 45 m from the OSM point), while the
median distance from a gazetteer building to its nearest neighbour is 77 m and 9 of 10 buildings
have no other within 40 m. The tolerance is only used with the name: a different firm at the
building next door never merges, and where both rows name their gazetteer building the ids
decide, not the distance. Distances in metres (equirectangular, exact to < 0.1 % below 1 km).
"""
ORIGINS = ("shipped", "user")
"""The values of the ``origin`` column."""
_ID_PREFIX = "user-"
_ONE_BUILDING = re.compile(r"^[^\[\]|]*\[([^\[\]|]+)\][^\[\]|]*←")
"""A geocoder match naming one building: ``东源大厦 [dongyuan-building] ← 东源大厦``."""
_PLACE_WORDS = re.compile(r"大厦|大楼|中心|广场|[a-z\d]座|号楼|科技园|园区|校区|路|街|站|楼$|"
                          r"\b(?:building|tower|plaza|cent(?:er|re)|park|campus|block|floor|"
                          r"road|street|station|office)\b")
"""Words of a place in a bracket: a location note, not another name of the firm."""
_REGISTERED = re.compile(r"公司|集团")
_CJK = re.compile(r"[\u3400-\u9fff]")
_OTHER_COLUMNS = ("user_id", "user_name", "shipped_id", "shipped_name", "distance_m")


@dataclass(frozen=True, eq=False)
class MergeSummary:
    """What :func:`merge_places` did.

    Attributes
    ----------
    user_rows, shipped_rows
        Rows of the user's list and of the shipped places.
    replaced
        User rows that are a shipped place (same name and building): they replaced it.
    shipped_replaced
        Shipped rows left out because a user row replaced them (usually ``replaced``; more when
        the shipped data has two rows of one name in one building).
    added
        User rows that match no shipped place: new places.
    shipped_kept
        Shipped rows kept (``shipped_rows - shipped_replaced``).
    total
        Rows of the merged table (``shipped_kept + user_rows``).
    renamed_ids
        User ids that were also ids of shipped rows kept, prefixed ``user-``.
    other_building
        One row per pair of a user row and a shipped row of the same name in another building
        (not merged): ``user_id, user_name, shipped_id, shipped_name, distance_m``.
    tolerance_m
        The distance under which two rows without a common building id are one building.
    """

    user_rows: int
    shipped_rows: int
    replaced: int
    shipped_replaced: int
    added: int
    shipped_kept: int
    total: int
    renamed_ids: int = 0
    other_building: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(_OTHER_COLUMNS)))
    tolerance_m: float = SAME_BUILDING_M

    def counts(self) -> dict[str, int]:
        """Return the counts (every attribute but the pairs table and the tolerance)."""
        return {k: int(getattr(self, k)) for k in (
            "user_rows", "shipped_rows", "replaced", "shipped_replaced", "added",
            "shipped_kept", "total", "renamed_ids")} | {
            "other_building": len(self.other_building)}

    def lines(self, lang: str = "en") -> list[str]:
        """Return the summary as sentences in ``lang`` (what the app and the CLI say)."""
        out = [text("merge18.summary", lang, user=self.user_rows, shipped=self.shipped_rows,
                    replaced=self.replaced, added=self.added, total=self.total)]
        if self.shipped_replaced != self.replaced:
            out.append(text("merge18.shipped_replaced", lang, n=self.shipped_replaced))
        if len(self.other_building):
            out.append(text("merge18.other_building", lang, n=len(self.other_building),
                            m=f"{self.tolerance_m:g}"))
        if self.renamed_ids:
            out.append(text("merge18.renamed", lang, n=self.renamed_ids, prefix=_ID_PREFIX))
        return out


def name_keys(names: list[str]) -> set[str]:
    """Return the keys under which a row with these names is known (normalised names).

    Each name gives its fullest core (region and legal form removed) and its shorter cores of
    three characters or more that are distinctive (trade words removed: 百川智能科技 → 百川智能).
    A name in brackets counts only when it is another name of the firm, not a note of where it
    is: in Chinese a registered name (智谱（北京智谱华章科技有限公司）) or one holding the name
    before the bracket (智谱（北京智谱华章科技）); in Latin letters after a Chinese name, its
    brand (深言科技（DeepLang AI）), if distinctive and no place word. So
    英特尔（北京，融科资讯中心） and AMD (Beijing, Raycom) are not known as 融科资讯中心 or
    Raycom. A Chinese core also gives its pinyin (``py:…``), and a Latin core is looked up as
    pinyin.

    Examples
    --------
    >>> sorted(name_keys(["北京智譜華章科技有限公司"]))
    ['py:zhipuhuazhang', 'py:zhipuhuazhangkeji', '智谱华章', '智谱华章科技']
    >>> sorted(name_keys(["英特尔（北京，融科资讯中心A座）", "Intel (Beijing, Raycom)"]))
    ['intel', 'py:yingteer', '英特尔']
    """
    keys: set[str] = set()
    for name in names:
        if not name or not name.strip():
            continue
        main, *inner = _name_parts(name)
        main_cores = name_cores(main)
        found = [main_cores] + [c for p in inner
                                if _another_name(p, c := name_cores(p), main, main_cores[:1])]
        for cores in found:
            for core in cores[:1] + [c for c in cores[1:] if len(c) >= 3 and distinctive(c)]:
                keys.update(_with_pinyin(core))
    keys.discard("")
    return keys


def _another_name(part: str, cores: list[str], main: str, main_core: list[str]) -> bool:
    """Whether a name's bracketed ``part`` (its ``cores``) is another name of it.

    See :func:`name_keys`.
    """
    if not cores or not distinctive(cores[0]) or _PLACE_WORDS.search(part):
        return False
    if _CJK.search(part):
        return bool(_REGISTERED.search(part)) or bool(main_core and main_core[0]
                                                      and main_core[0] in part)
    return bool(_CJK.search(main))


def _with_pinyin(core: str) -> tuple[str, ...]:
    """Return a core and its pinyin key (Chinese), or the key it has as pinyin (Latin)."""
    pinyin = _pinyin_key(core)
    if pinyin:
        return core, pinyin
    if not _CJK.search(core) and len(core.replace(" ", "")) >= 6:
        return core, "py:" + core.replace(" ", "")
    return (core,)


def _replaced_mask(n_shipped: int, same: list[tuple[int, int]]) -> np.ndarray:
    """Return which of the ``n_shipped`` rows a user row replaces (the pairs ``same``)."""
    gone = np.zeros(n_shipped, dtype=bool)
    gone[[s for _, s in same]] = True
    return gone


def _with_building_ids(user: pd.DataFrame, user_bid: np.ndarray) -> pd.DataFrame:
    """Return a copy of the user's rows whose empty ``building_id`` cells take ``user_bid``."""
    mine = user.copy()
    if "building_id" in mine:
        empty = mine["building_id"].fillna("").astype(str).str.strip() == ""
        mine["building_id"] = mine["building_id"].where(~empty, user_bid)
    return mine


def merge_places(shipped: pd.DataFrame, user: pd.DataFrame, *,
                 tolerance_m: float = SAME_BUILDING_M) -> tuple[pd.DataFrame, MergeSummary]:
    """Return the shipped places merged with the user's, and what was merged.

    Parameters
    ----------
    shipped
        The shipped places, or any places table the user's list is added to.
    user
        The user's places, validated (:func:`~origin_map.places.datasets.read_places`): an
        upload or geocoded rows.
    tolerance_m
        Rows without a common building id are one building when at most this many metres apart
        (default :data:`SAME_BUILDING_M`).

    Returns
    -------
    merged : pandas.DataFrame or geopandas.GeoDataFrame
        The shipped rows kept, then every user row, with ``origin`` (``shipped``/``user``) and
        ``replaces`` (the ids of the shipped rows a user row replaced, ``|`` separated). A
        GeoDataFrame (EPSG:4326) when either input is one.
    summary : MergeSummary
        The counts, and the pairs of one name in two buildings (kept apart).

    Raises
    ------
    DataValidationError
        When a table lacks a column the merge needs (``id``, ``lat``, ``lon``): pass places as
        read by :func:`~origin_map.places.datasets.read_places`.

    Examples
    --------
    >>> shipped = pd.DataFrame({"id": ["zhipu", "baichuan"], "name_zh": ["智谱（北京智谱华章科技）",
    ...                         "百川智能"], "name_en": ["", ""], "lat": [39.9931, 39.9869],
    ...                         "lon": [116.3309, 116.3286], "building_id": ["", ""]})
    >>> user = pd.DataFrame({"id": ["u1", "u2"], "name_zh": ["北京智譜華章科技有限公司", "新公司"],
    ...                      "name_en": ["", ""], "lat": [39.9932, 39.99],
    ...                      "lon": [116.3309, 116.33], "building_id": ["", ""]})
    >>> merged, summary = merge_places(shipped, user)
    >>> summary.replaced, summary.added, summary.total, merged["replaces"].tolist()
    (1, 1, 3, ['', 'zhipu', ''])
    """
    _check_columns(shipped, "shipped")
    _check_columns(user, "user")
    user_bid = _building_ids(user)
    pairs = _candidate_pairs(shipped, user)
    same, apart = _split_pairs(pairs, shipped, user, user_bid, tolerance_m)
    replaces = _replaced_ids(same, shipped, len(user))
    gone = _replaced_mask(len(shipped), same)
    kept = shipped.loc[~gone]
    mine = _with_building_ids(user, user_bid)
    mine["id"], renamed = _unique_ids(mine["id"], kept["id"])
    merged = _combine(kept, mine, replaces)
    n_replaced = len({u for u, _ in same})
    summary = MergeSummary(
        user_rows=len(user), shipped_rows=len(shipped), replaced=n_replaced,
        shipped_replaced=int(gone.sum()), added=len(user) - n_replaced,
        shipped_kept=len(kept), total=len(merged), renamed_ids=renamed,
        other_building=_other_table(apart, shipped, user), tolerance_m=float(tolerance_m))
    return merged, summary


def is_merged(places: pd.DataFrame) -> bool:
    """Whether ``places`` is a table :func:`merge_places` wrote (rows of both origins).

    A merged table read back from its CSV says so: its ``origin`` column holds ``user`` and
    ``shipped`` and nothing else (the report names its data "merged").
    """
    if "origin" not in places.columns or "replaces" not in places.columns:
        return False
    return set(places["origin"].astype(str).unique()) == set(ORIGINS)


def _check_columns(frame: pd.DataFrame, which: str) -> None:
    missing = [c for c in ("id", "lat", "lon") if c not in frame.columns]
    if missing:
        raise DataValidationError(
            [Problem(None, c, f"The {which} places have no {c!r} column.",
                     "Pass places as read_places returns them.") for c in missing], which)


def _names_of(frame: pd.DataFrame) -> list[list[str]]:
    """Return each row's names: ``name_zh``, ``name_en``, its aliases (if the table has them)."""
    cols = [c for c in ("name_zh", "name_en", "name") if c in frame.columns]
    values = [frame[c].fillna("").astype(str).tolist() for c in cols]
    if "aliases" in frame.columns:
        values.append([a for a in frame["aliases"].fillna("").astype(str)])
    out = []
    for row in zip(*values, strict=True) if values else [()] * len(frame):
        names = list(row[:len(cols)])
        if len(row) > len(cols):
            names += [a.strip() for a in re.split(r"[|;；]", row[-1]) if a.strip()]
        out.append(names)
    return out


def _keys_of(frame: pd.DataFrame) -> list[set[str]]:
    """Return each row's name keys (computed once per distinct set of names)."""
    memo: dict[tuple[str, ...], set[str]] = {}
    out = []
    for names in _names_of(frame):
        key = tuple(names)
        if key not in memo:
            memo[key] = name_keys(names)
        out.append(memo[key])
    return out


def _candidate_pairs(shipped: pd.DataFrame, user: pd.DataFrame) -> list[tuple[int, int]]:
    """Return the (user row, shipped row) positions that share a name key, in order."""
    index: dict[str, list[int]] = {}
    for s, keys in enumerate(_keys_of(shipped)):
        for k in keys:
            index.setdefault(k, []).append(s)
    pairs = []
    for u, keys in enumerate(_keys_of(user)):
        found = {s for k in keys for s in index.get(k, ())}
        pairs += [(u, s) for s in sorted(found)]
    return pairs


def _building_ids(frame: pd.DataFrame) -> np.ndarray:
    """Return each row's gazetteer building id, or "" when it has none.

    ``building_id`` where given; else for a row the geocoder placed at building level on one
    building of ``buildings.csv``, the id its ``geocode_match`` names.
    """
    n = len(frame)
    own = (frame["building_id"].fillna("").astype(str).str.strip().to_numpy(dtype=object)
           if "building_id" in frame else np.full(n, "", dtype=object))
    if {"geocode_level", "geocode_match", "geocode_source"} <= set(frame.columns):
        at = ((frame["geocode_level"] == "building")
              & (frame["geocode_source"] == "gazetteer:buildings.csv")).to_numpy(dtype=bool)
        for i in np.flatnonzero(at & (own == "")):
            m = _ONE_BUILDING.match(str(frame["geocode_match"].iloc[i]))
            if m:
                own[i] = m.group(1).strip()
    return own


def _split_pairs(pairs: list[tuple[int, int]], shipped: pd.DataFrame, user: pd.DataFrame,
                 user_bid: np.ndarray, tolerance_m: float
                 ) -> tuple[list[tuple[int, int]], list[tuple[int, int, float]]]:
    """Return the pairs in one building, and those apart with their distance in metres."""
    if not pairs:
        return [], []
    ship_bid = _building_ids(shipped)
    s_lat, s_lon = (pd.to_numeric(shipped[c], errors="coerce").to_numpy(float)
                    for c in ("lat", "lon"))
    u_lat, u_lon = (pd.to_numeric(user[c], errors="coerce").to_numpy(float)
                    for c in ("lat", "lon"))
    same, apart = [], []
    for u, s in pairs:
        d = distance_m((u_lat[u], u_lon[u]), (s_lat[s], s_lon[s]))
        if user_bid[u] and ship_bid[s]:
            one = user_bid[u] == ship_bid[s]
        else:
            one = bool(d <= tolerance_m)  # NaN (no position): never the same building
        if one:
            same.append((u, s))
        else:
            apart.append((u, s, d))
    return same, apart


def _replaced_ids(same: list[tuple[int, int]], shipped: pd.DataFrame, n_user: int) -> list[str]:
    """Return, for each user row, the ids of the shipped rows it replaced (``|`` separated)."""
    ids = shipped["id"].astype(str).to_numpy()
    by_user: dict[int, list[str]] = {}
    for u, s in same:
        by_user.setdefault(u, []).append(ids[s])
    return ["|".join(by_user.get(u, [])) for u in range(n_user)]


def _unique_ids(ids: pd.Series, taken: pd.Series) -> tuple[pd.Series, int]:
    """Return the user's ids, those also among ``taken`` prefixed ``user-``; and how many."""
    ids = ids.astype(str)
    used = set(taken.astype(str)) | set(ids)
    clash = ids.isin(set(taken.astype(str))).to_numpy(dtype=bool)
    out = ids.to_numpy(dtype=object).copy()
    for i in np.flatnonzero(clash):
        new = _ID_PREFIX + out[i]
        n = 2
        while new in used:
            new, n = f"{_ID_PREFIX}{out[i]}-{n}", n + 1
        used.add(new)
        out[i] = new
    return pd.Series(out, index=ids.index, dtype=object), int(clash.sum())


def _combine(kept: pd.DataFrame, mine: pd.DataFrame, replaces: list[str]) -> pd.DataFrame:
    """Return the kept shipped rows then the user's, with ``origin`` and ``replaces``."""
    geo = any("geometry" in f.columns for f in (kept, mine))
    parts = []
    for frame, origin, repl in ((kept, "shipped", [""] * len(kept)), (mine, "user", replaces)):
        part = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
        part["origin"] = origin
        part["replaces"] = repl
        parts.append(part)
    one_sided = set(parts[0].columns) ^ set(parts[1].columns)
    merged = pd.concat(parts, ignore_index=True, sort=False)
    for c in one_sided:  # a text column of one side is empty text on the other, as when read
        if pd.api.types.is_object_dtype(merged[c]) or pd.api.types.is_string_dtype(merged[c]):
            merged[c] = merged[c].fillna("")
    first = [c for c in parts[0].columns if c not in ("origin", "replaces")]
    order = first + ["origin", "replaces"] + [c for c in parts[1].columns if c not in first
                                              and c not in ("origin", "replaces")]
    merged = merged[order]
    merged.attrs = {"input_datum": mine.attrs.get("input_datum", "wgs84")}
    if not geo:
        return merged
    import geopandas as gpd

    return gpd.GeoDataFrame(merged, geometry=gpd.points_from_xy(merged["lon"], merged["lat"]),
                            crs="EPSG:4326")


def _other_table(apart: list[tuple[int, int, float]], shipped: pd.DataFrame,
                 user: pd.DataFrame) -> pd.DataFrame:
    """Return the pairs of one name in two buildings, as a table (distances in whole metres)."""
    def name(frame: pd.DataFrame, i: int) -> str:
        zh = str(frame["name_zh"].iloc[i]) if "name_zh" in frame else ""
        en = str(frame["name_en"].iloc[i]) if "name_en" in frame else ""
        return zh if zh and zh != "nan" else en

    rows = [(str(user["id"].iloc[u]), name(user, u), str(shipped["id"].iloc[s]),
             name(shipped, s), round(d) if d == d else None) for u, s, d in apart]
    return pd.DataFrame(rows, columns=list(_OTHER_COLUMNS))
