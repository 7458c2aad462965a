"""Reading the region columns of a beneficiary list the way a person would: province, kabupaten/kota, kecamatan and
desa/kelurahan as typed by a village office, matched to the Kemendagri region list.

``region_key`` folds a typed name into the shape names are compared in (case, accents, punctuation, spaces, "Kab."
and the like in front, and the old Dutch-era spellings do not count). ``RegionMatcher.resolve`` takes the distinct
(province, regency, district, village) texts of a file and says, for each, which village it names and what a person
has to look at (``Finding``). It never guesses: an exact match (on the key) is taken silently, a near miss is
always a finding with the official name suggested, and a confirmed suggestion (an alias) is silent from then on.

How a tuple is read:

* Top-down, each typed level is looked for among the children of the level above as far as it is known ("the
  scope"); a blank or unknown level leaves the scope where it was, so a regency with no province is looked for
  among all regencies, and a village with no kecamatan among the villages of its regency.
* The village decides. Found exactly (and once) in its scope, it sets the village code, and every level above that
  disagrees with it is a finding suggesting the village's real one (a near-miss kecamatan, a kecamatan that does not
  exist, or a real kecamatan the village is not in). Not found in the kecamatan, it is looked for in the whole
  regency (a kecamatan is often wrong); across a regency or province the user typed exactly, it is not: then the
  finding says where villages of that name are.
* Namesakes (two villages with the same key in the scope) are never chosen between: the finding lists where each is.
* A village not found gets the nearest official names of its kecamatan (or regency) as suggestions, or a message to
  fill in the kecamatan when there is nowhere to look.

The same typed value in the same scope always carries the same finding (findings are unified per
``(field, scope, value)`` at the end), so the preview can group rows and one confirmation settles them all.

Queries (at most four, whatever the number of tuples; never one per tuple): every province, regency and kecamatan
(about 7,800 rows: few enough to match variants and near misses in memory); the villages of the kecamatan the tuples
point at; the villages named exactly as typed anywhere (for rows with no usable kecamatan or regency) and those
village aliases point at; and, only for tuples not settled by those, every village of their regency. Nothing is
kept between calls. Resolving 5,000 distinct tuples from all over the country against the full list (91,599
regions, PostgreSQL) takes about 0.75–1.1 s; from one province about 0.4–0.55 s.
"""

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from pekka.bulk import among
from pekka.regions.models import Level, Region
from pekka.text import normalize_search

FIELDS = ("province", "regency", "district", "village")

# rapidfuzz ratio (0–100) of two keys at or above which a typed name is read as a near miss of an official one: a
# letter missing, extra or changed in a name of five letters or more. A near miss is always a finding, never taken.
NEAR_MIN = 80
# For a name that is not near anything, official names at least this close in its kecamatan (or regency) are still
# offered, after the message that there is no such name.
SUGGEST_MIN = 60
MAX_SUGGESTIONS = 5

# Words written in front of a name to say what kind of region it is. Normalised (lower case, no dots); the longest
# is tried first. Only one is dropped, and never when it is the whole name ("Kota" alone stays "kota").
_PREFIXES = (
    "provinsi",
    "propinsi",
    "prov",
    "prop",
    "kabupaten administrasi",
    "kab administrasi",
    "kabupaten",
    "kab",
    "kota administrasi",
    "kotamadya",
    "kodya",
    "kota",
    "kecamatan",
    "kec",
    "kapanewon",
    "kemantren",
    "distrik",
    "kelurahan",
    "kalurahan",
    "kel",
    "desa adat",
    "desa",
    "ds",
    "nagari",
    "gampong",
    "kampung",
    "pekon",
    "negeri",
    "lembang",
    "tiyuh",
)
_PREFIX = re.compile("^(?:" + "|".join(re.escape(p) for p in sorted(_PREFIXES, key=len, reverse=True)) + r") (?=\S)")
_KOTA_WORDS = re.compile(r"^(?:kota administrasi|kotamadya|kodya|kota) (?=\S)")
_KABUPATEN_WORDS = re.compile(r"^(?:kabupaten administrasi|kab administrasi|kabupaten|kab) (?=\S)")

# Spellings that mean the same sound: the pre-1972 spelling (oe, dj, tj, ch, sj, nj) still found in names, y written
# as i ("Gondoriyo", "Gondorio"), and doubled letters ("Bukittinggi", "Bukit Tinggi", "Bukitinggi"). "ch" was the
# old spelling of today's "kh" (Chairil, Khairil), so it becomes "kh", not "k" or "c". The old "j" for today's "y"
# ("Soerabaja") is not folded: it would make every modern "j" a "y". Spaces do not count, so the folds also apply
# across words ("Bungan Jaya" reads "bunganyaya"); over the official list, no two regions of one parent get the same
# key unless one has a prefix word the other lacks ("Kampung Baru", "Baru"), which ``_exact`` tells apart.
_VARIANTS = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("ch", "kh"), ("sj", "sy"), ("nj", "ny"), ("y", "i"))
_DOUBLED = re.compile(r"([a-z])\1+")
# "Banyuasin II" and "Banyuasin III" are different kecamatan: a Roman numeral word is read as its number first, so
# collapsing doubled letters cannot merge them ("Banyuasin 2" is "Banyuasin II").
_ROMAN = re.compile(r"^(?=[ivx])(x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}


def _numbered(words: str) -> str:
    """A normalised name without spaces, Roman numerals as digits ("kuta buloh ii" → "kutabuloh2")."""
    first, *rest = words.split(" ")
    parts = [first]  # a numeral follows a name; a name of one word ("I", "Vi") is left alone
    for word in rest:
        if roman := _ROMAN.match(word):
            word = str(10 * len(roman[1]) + _ROMAN_VALUES.get(roman[2], 0))
        parts.append(word)
    return "".join(parts)


# What people call some provinces instead of their official names.
_PROVINCE_NICKNAMES = {
    "dki": "31",
    "jakarta": "31",
    "dki jakarta": "31",
    "diy": "34",
    "di yogyakarta": "34",
    "yogyakarta": "34",
    "jogja": "34",
    "jogjakarta": "34",
    "yogya": "34",
    "babel": "19",
    "kepri": "21",
    "sumut": "12",
    "sumbar": "13",
    "sumsel": "16",
    "jabar": "32",
    "jateng": "33",
    "jatim": "35",
    "ntb": "52",
    "ntt": "53",
    "kalbar": "61",
    "kalteng": "62",
    "kalsel": "63",
    "kaltim": "64",
    "kaltara": "65",
    "sulut": "71",
    "sulteng": "72",
    "sulsel": "73",
    "sultra": "74",
    "sulbar": "76",
    "malut": "82",
}


def _spelled(compact: str) -> str:
    """Spelling variants folded, until nothing changes (one fold can make another: "tdj" → "tj" → "c")."""
    while True:
        folded = compact
        for old, new in _VARIANTS:
            folded = folded.replace(old, new)
        folded = _DOUBLED.sub(r"\1", folded)
        if folded == compact:
            return folded
        compact = folded


@functools.lru_cache(maxsize=1 << 17)
def _folded(text: str) -> str:
    """The whole typed text folded like ``region_key``, but with its prefix kept ("kotabaru" for "Kota Baru")."""
    return _spelled(_numbered(normalize_search(text or "")))


@functools.lru_cache(maxsize=1 << 17)
def region_key(text: str) -> str:
    """A region name as compared: "Kab. Soekamadjoe", "SUKAMAJU" and "Suka Maju" are all "sukamaju".

    Case, accents, punctuation and spaces do not count; one word saying what kind of region it is ("Provinsi",
    "Kab.", "Kota", "Kec.", "Kel.", "Desa", "Nagari", …) is dropped from the front unless it is the whole name; the
    spelling variants of ``_VARIANTS`` are folded and doubled letters written once. A letter that differs otherwise
    ("Cimpago", "Campago") still differs: that is a near miss for a person to confirm, not a variant. The key has no
    spaces, so ``region_key(region_key(x)) == region_key(x)``.
    """
    return _spelled(_numbered(_PREFIX.sub("", normalize_search(text or ""))))


def regency_kind(text: str) -> str:
    """What the typed regency says it is: "kota" ("Kota Semarang", "Kodya Semarang"), "kabupaten" ("Kab.
    Semarang"), or "" when it does not say ("Semarang", which may be either)."""
    folded = normalize_search(text or "")
    if _KOTA_WORDS.match(folded):
        return "kota"
    if _KABUPATEN_WORDS.match(folded):
        return "kabupaten"
    return ""


@dataclass(frozen=True)
class Finding:
    """What a person must look at in one region cell. ``field`` is "province", "regency", "district" or "village";
    ``value`` the text as typed; ``scope`` the code of the region it was looked for in ("" for the whole list);
    ``suggestions`` (region code, label) pairs, best first. A non-empty message makes the row invalid."""

    field: str
    value: str
    scope: str
    message: str
    suggestions: tuple[tuple[str, str], ...] = ()


@dataclass
class Resolution:
    """The village a typed tuple names (None when it cannot be told) and the findings about its cells, largest
    level first. The village may be set while a finding about a higher level still makes the row invalid."""

    village_code: str | None = None
    findings: list[Finding] = dataclass_field(default_factory=list)


@dataclass(slots=True, eq=False)
class _Place:
    """A region as the matcher holds it: the columns it needs, its parent, and its keys."""

    code: str
    name: str
    kind: str
    level: int
    parent: "_Place | None"
    key: str
    fold: str

    @property
    def label(self) -> str:
        return Region.label.fget(self)

    def ancestor(self, level: int) -> "_Place":
        place = self
        while place.level > level:
            place = place.parent
        return place

    def within(self, scope: "tuple[_Place, ...]") -> bool:
        return not scope or any(self.code.startswith(f"{s.code}.") for s in scope)


def _label(place: _Place) -> str:
    """ "Kec. Mandiangin Koto Selayan (13.75.02), Kota Bukittinggi": the official name and code, then the parents
    that tell namesakes apart (kecamatan and regency for a village, the regency or province above otherwise)."""
    parts = [f"{place.label} ({place.code})"]
    parent = place.parent
    for _level in range(2 if place.level == 4 else 1 if place.level > 1 else 0):
        parts.append(parent.label)
        parent = parent.parent
    return ", ".join(parts)


def _scope_code(scope: tuple[_Place, ...]) -> str:
    """The code of the one region a value was looked for in; for several, the smallest region holding them all."""
    if not scope:
        return ""
    common = scope[0].code.split(".")
    for place in scope[1:]:
        parts = place.code.split(".")
        n = 0
        while n < min(len(common), len(parts)) and common[n] == parts[n]:
            n += 1
        common = common[:n]
    return ".".join(common)


def _scope_name(scope: tuple[_Place, ...]) -> str:
    if not scope:
        return _("the region list")
    return _(" or ").join(place.label for place in scope[:3])


def _what(level: int) -> str:
    return {1: _("province"), 2: _("kabupaten or kota"), 3: _("kecamatan"), 4: _("village")}[level]


# How a typed value stands at its level.
BLANK, EXACT, NEAR, NONE = "blank", "exact", "near", "none"


@dataclass(slots=True)
class _Match:
    status: str
    places: tuple[_Place, ...] = ()  # exact: every match; near: best first
    scope: tuple[_Place, ...] = ()  # where it was looked for


class RegionMatcher:
    """Resolves a file's region columns against the region list. ``aliases`` are the confirmed readings,
    ``(field, scope, region_key(typed)) → region code``, as ``aliases.load_aliases`` returns them."""

    def __init__(self, aliases: dict[tuple[str, str, str], str] | None = None):
        self.aliases = dict(aliases or {})

    def resolve(self, tuples: Iterable[tuple[str, str, str, str]]) -> dict[tuple, Resolution]:
        """Each distinct (province, regency, district, village) tuple as typed → its ``Resolution``."""
        given = list(dict.fromkeys(tuple(t) for t in tuples))
        cleaned = {t: tuple((text or "").strip() for text in t) for t in given}
        resolved = _Run(self.aliases).resolve(list(dict.fromkeys(cleaned.values())))
        return {t: resolved[cleaned[t]] for t in given}


class _Run:
    """One call of ``resolve``: the regions loaded for it and what was worked out, so nothing outlives the call."""

    def __init__(self, aliases: dict[tuple[str, str, str], str]):
        self.aliases = aliases
        self.places: dict[str, _Place] = {}
        self.by_key: list[dict[str, list[_Place]]] = [defaultdict(list) for _level in range(5)]
        self.at_level: list[list[_Place]] = [[] for _level in range(5)]
        self.children: dict[str, list[_Place]] = defaultdict(list)
        self.matches: dict[tuple, _Match] = {}
        self.pools: dict[tuple, list[_Place]] = {}

    # --- loading ---

    def _add(self, code: str, name: str, kind: str, level: int, parent_id: str | None) -> None:
        if code in self.places:
            return
        parent = self.places.get(parent_id) if parent_id else None
        if level > 1 and parent is None:
            return  # an orphan row; the loader never makes one
        place = _Place(code, name, kind, level, parent, region_key(name), _folded(name))
        self.places[code] = place
        self.at_level[level].append(place)
        if parent is not None:
            self.children[parent.code].append(place)
        self.by_key[level][place.key].append(place)
        if place.fold != place.key:
            self.by_key[level][place.fold].append(place)

    def _load_upper(self) -> None:
        columns = ("code", "name", "kind", "level", "parent_id")
        rows = Region.objects.filter(level__lte=Level.DISTRICT).order_by("level", "code").values_list(*columns)
        for row in rows:
            self._add(*row)
        for nickname, code in _PROVINCE_NICKNAMES.items():
            if code in self.places:
                self.by_key[1][region_key(nickname)].append(self.places[code])

    def _load_villages(self, *, districts=(), names=(), codes=()) -> None:
        """Villages under ``districts``, named ``names`` (``search_name``, anywhere) or with ``codes``: one query
        for each that is not empty."""
        villages = Region.objects.filter(level=Level.VILLAGE)
        wanted = [
            ("parent_id__in", sorted(set(districts))),
            ("search_name__in", sorted(set(names) - {""})),
            ("code__in", sorted(set(codes) - self.places.keys())),
        ]
        # Tens of thousands of rows for a file from all over the country: the loop is _add, inlined.
        places, by_key, at_level, children = self.places, self.by_key[4], self.at_level[4], self.children
        for lookup, values in wanted:
            if not values:
                continue
            for code, name, kind, parent_id in villages.filter(**{lookup: among(values)}).values_list(
                "code", "name", "kind", "parent_id"
            ):
                parent = places.get(parent_id)
                if code in places or parent is None:
                    continue
                place = _Place(code, name, kind, 4, parent, region_key(name), _folded(name))
                places[code] = place
                at_level.append(place)
                children[parent_id].append(place)
                by_key[place.key].append(place)
                if place.fold != place.key:
                    by_key[place.fold].append(place)

    # --- matching one level ---

    def _pool(self, level: int, scope: tuple[_Place, ...]) -> list[_Place]:
        """The regions of ``level`` inside ``scope`` (loaded ones, for villages)."""
        key = (level, tuple(p.code for p in scope))
        if key not in self.pools:
            if not scope:
                self.pools[key] = self.at_level[level]
            else:
                found, frontier = [], list(scope)
                while frontier:
                    place = frontier.pop()
                    if place.level == level:
                        found.append(place)
                    elif place.level < level:
                        frontier.extend(self.children.get(place.code, ()))
                self.pools[key] = sorted(found, key=lambda p: p.code)
        return self.pools[key]

    def _alias(self, level: int, typed: str, scope: tuple[_Place, ...]) -> _Place | None:
        """A confirmed reading of ``typed`` at this level: under the scope first, then anywhere. An alias pointing
        outside the scope (or at a region no longer listed) is not used."""
        key = region_key(typed)
        for scope_code in dict.fromkeys((_scope_code(scope), "")):
            code = self.aliases.get((FIELDS[level - 1], scope_code, key))
            place = self.places.get(code) if code else None
            if place is not None and place.level == level and place.within(scope):
                return place
        return None

    def _exact(self, level: int, typed: str, scope: tuple[_Place, ...]) -> list[_Place]:
        """Regions of ``level`` in ``scope`` whose key is the typed one; among several, those whose whole name (with
        its prefix) is the typed one win ("Kampung Baru" over "Baru")."""
        key, fold = region_key(typed), _folded(typed)
        found = {p.code: p for k in (key, fold) for p in self.by_key[level].get(k, ()) if p.within(scope)}
        places = sorted(found.values(), key=lambda p: p.code)
        if level == 2 and (kind := regency_kind(typed)):
            places = [p for p in places if (p.kind == "kota") == (kind == "kota")]
        if len(places) > 1 and (same := [p for p in places if p.fold == fold]):
            places = same
        return places

    def _near(self, level: int, typed: str, scope: tuple[_Place, ...], cutoff: int) -> list[tuple[_Place, float]]:
        """The official names of ``level`` in ``scope`` closest to the typed one, best first, at least ``cutoff``."""
        pool = self._pool(level, scope)
        if not pool:
            return []
        found = process.extract(
            region_key(typed),
            [p.key for p in pool],
            scorer=fuzz.ratio,
            score_cutoff=cutoff,
            limit=MAX_SUGGESTIONS,
        )
        return [(pool[index], score) for _choice, score, index in found]

    def _match(self, level: int, typed: str, scope: tuple[_Place, ...]) -> _Match:
        """How a typed province, regency or kecamatan stands in its scope: blank, exact (an alias counts as exact),
        near (best first), or none."""
        cache_key = (level, typed, tuple(p.code for p in scope))
        if cache_key in self.matches:
            return self.matches[cache_key]
        if not region_key(typed):
            match = _Match(BLANK, (), scope)
        elif alias := self._alias(level, typed, scope):
            match = _Match(EXACT, (alias,), scope)
        elif exact := self._exact(level, typed, scope):
            match = _Match(EXACT, tuple(exact), scope)
        else:
            near = self._near(level, typed, scope, NEAR_MIN)
            if level == 2 and not near and regency_kind(typed):
                # "Kab. Bukittinggi": the name is right, the kind is not.
                near = [(p, 100.0) for p in self._exact(2, normalize_search(typed).split(" ", 1)[-1], scope)]
            match = _Match(NEAR, tuple(p for p, _score in near), scope) if near else _Match(NONE, (), scope)
        self.matches[cache_key] = match
        return match

    # --- one tuple ---

    def _upper(self, typed: tuple[str, str, str, str]) -> tuple[list[_Match], tuple[_Place, ...]]:
        """Province, regency and kecamatan top-down; the scope the village is looked for in."""
        scope: tuple[_Place, ...] = ()
        matches = []
        for level in (1, 2, 3):
            match = self._match(level, typed[level - 1], scope)
            matches.append(match)
            if match.status == EXACT:
                scope = match.places
            elif match.status == NEAR:
                scope = match.places[:1]
        return matches, scope

    def resolve(self, distinct: list[tuple[str, str, str, str]]) -> dict[tuple, Resolution]:
        """Loads what the tuples need, then reads each one. Villages come in two steps: first those named as typed
        (anywhere) and those of the kecamatan the tuples point at; then, only for tuples whose village is not among
        them, every village of their regency (for spelling variants, a wrong kecamatan and near misses)."""
        self._load_upper()
        uppers = {t: self._upper(t) for t in distinct}
        names = set()
        for t in distinct:
            if t[3]:
                names |= {normalize_search(t[3]), normalize_search(_PREFIX.sub("", normalize_search(t[3])))}
        self._load_villages(
            districts={p.code for _m, scope in uppers.values() for p in scope if p.level == 3},
            names=names,
            codes={code for (f, _s, _k), code in self.aliases.items() if f == "village"},
        )
        regencies = set()
        for t, (_matches, scope) in uppers.items():
            # A village found in its kecamatan is settled (all of the kecamatan's villages are loaded); in a regency,
            # only all of its villages show namesakes spelled apart ("Lamreh", "Lam Reh").
            if t[3] and scope and scope[0].level >= 2 and (scope[0].level == 2 or not self._exact(4, t[3], scope)):
                regencies |= {p.ancestor(2).code for p in scope}
        more = {d.code for r in regencies for d in self.children.get(r, ())}
        self._load_villages(districts=more - {p.code for _m, s in uppers.values() for p in s if p.level == 3})
        results = {t: self._resolve_one(t, *uppers[t]) for t in distinct}
        return _unified(results)

    def _resolve_one(self, typed, matches: list[_Match], scope: tuple[_Place, ...]) -> Resolution:
        village, village_finding = self._village(typed, matches, scope)
        findings = []
        for level, match in enumerate(matches, start=1):
            if finding := self._upper_finding(level, typed[level - 1], match, village):
                findings.append(finding)
        if village_finding:
            findings.append(village_finding)
        return Resolution(village.code if village else None, findings)

    def _upper_finding(self, level: int, typed: str, match: _Match, village: _Place | None) -> Finding | None:
        """A province, regency or kecamatan that is a near miss, unknown, or not where the village is."""
        if match.status == BLANK:
            return None
        implied = village.ancestor(level) if village else None
        if match.status == EXACT and (implied is None or implied in match.places):
            return None
        what, where = _what(level), _scope_name(match.scope)
        if match.status == EXACT:
            message = _("The village of this row is not in %(typed)s but in “%(name)s” (%(code)s).") % {
                "typed": _scope_name(match.places),
                "name": implied.name,
                "code": implied.code,
            }
            suggested = [implied]
        elif match.status == NEAR:
            suggested = list(dict.fromkeys([p for p in (implied,) if p] + list(match.places)))
            message = _("There is no %(what)s with exactly this name in %(where)s. Did you mean “%(name)s” (%(code)s)?")
            message %= {"what": what, "where": where, "name": suggested[0].name, "code": suggested[0].code}
        elif implied:
            suggested = [implied]
            message = _(
                "There is no %(what)s with this name in %(where)s. The village of this row is in “%(name)s” (%(code)s)."
            ) % {"what": what, "where": where, "name": implied.name, "code": implied.code}
        else:
            # Looking for near names of a kecamatan among all 7,000 gives noise; provinces and regencies are few.
            far = not match.scope and level == 3
            suggested = [] if far else [p for p, _score in self._near(level, typed, match.scope, SUGGEST_MIN)]
            message = _("There is no %(what)s with this name in %(where)s.") % {"what": what, "where": where}
        return Finding(FIELDS[level - 1], typed, _scope_code(match.scope), message, _suggestions(suggested))

    def _wider(self, scope: tuple[_Place, ...], matches: list[_Match]) -> list[tuple[_Place, ...]]:
        """Where else the village may settle the row: the regency of its kecamatan (a kecamatan is often wrong);
        past a regency or province only when nothing in it was typed exactly (an exact kecamatan says its regency)."""
        wider = []
        while scope:
            level = scope[0].level
            if level < 3 and any(match.status == EXACT for match in matches[level - 1 :]):
                break
            scope = tuple(dict.fromkeys(p.parent for p in scope if p.parent is not None))
            wider.append(scope)
        return wider

    def _village(self, typed, matches: list[_Match], scope: tuple[_Place, ...]) -> tuple[_Place | None, Finding | None]:
        """The village of a tuple, or the finding saying why it cannot be told."""
        value = typed[3]
        where = _scope_name(scope)

        def finding(message: str, suggested=()) -> Finding:
            return Finding("village", value, _scope_code(scope), message, _suggestions(suggested))

        if not region_key(value):
            return None, finding(_("Fill in the village (desa or kelurahan)."))
        if alias := self._alias(4, value, scope):
            return alias, None
        for area in (scope, *self._wider(scope, matches)):
            found = self._exact(4, value, area)
            if len(found) == 1:
                return found[0], None
            if found:
                message = _(
                    "There are %(n)s villages with this name in %(where)s (%(places)s). Fill in the kecamatan and "
                    "kabupaten columns to say which one."
                ) % {"n": len(found), "where": _scope_name(area), "places": "; ".join(_label(p) for p in found[:5])}
                return None, finding(message, found)
        if scope and scope[0].level >= 2:
            areas = [scope] + ([tuple(dict.fromkeys(p.parent for p in scope))] if scope[0].level == 3 else [])
            for area in areas:
                if near := self._near(4, value, area, NEAR_MIN):
                    best = near[0][0]
                    message = _(
                        "There is no village with exactly this name in %(where)s. Did you mean “%(name)s” (%(code)s)?"
                    ) % {"where": where, "name": best.name, "code": best.code}
                    return None, finding(message, [p for p, _score in near])
        if elsewhere := self._exact(4, value, ()):
            message = _("There is no village with this name in %(where)s; it is in: %(places)s.") % {
                "where": where,
                "places": "; ".join(_label(p) for p in elsewhere[:5]),
            }
            return None, finding(message, elsewhere)
        if scope and scope[0].level >= 2:
            near = self._near(4, value, scope, SUGGEST_MIN)
            message = _("There is no village with this name in %(where)s.") % {"where": where}
            return None, finding(message, [p for p, _score in near])
        message = _(
            "There is no village with this name in %(where)s. Fill in the kecamatan and kabupaten columns to get "
            "suggestions."
        ) % {"where": where}
        return None, finding(message)


def _suggestions(places) -> tuple[tuple[str, str], ...]:
    return tuple((p.code, _label(p)) for p in list(dict.fromkeys(places))[:MAX_SUGGESTIONS])


def _unified(results: dict[tuple, Resolution]) -> dict[tuple, Resolution]:
    """Gives every finding about the same value in the same scope the same message and suggestions: the message
    most rows carry, and the suggestions of all of them, the most common first. (Which kecamatan a near miss means
    may depend on the row's village; the preview shows one finding per value and scope.)"""
    groups: dict[tuple, Counter] = defaultdict(Counter)
    for resolution in results.values():
        for finding in resolution.findings:
            groups[(finding.field, finding.scope, finding.value)][finding] += 1
    merged = {}
    for group, counts in groups.items():
        ranked = [finding for finding, _count in counts.most_common()]
        if len(ranked) == 1:
            merged[group] = ranked[0]
            continue
        suggestions = tuple(dict.fromkeys(s for finding in ranked for s in finding.suggestions))[:MAX_SUGGESTIONS]
        field, scope, value = group
        merged[group] = Finding(field, value, scope, ranked[0].message, suggestions)
    for resolution in results.values():
        resolution.findings = [merged[(f.field, f.scope, f.value)] for f in resolution.findings]
    return results
