"""The second half of checking an import: the parsed rows against the registry. Writes nothing.

Regions, NIKs and family cards on file, facilitators and business types are each read with one set-based query
(chunked for very large files), never one query per row. For every row the plan says what importing it would do —
create a beneficiary, update one (only the fields the file fills in; blank cells never erase), leave one as it is,
or nothing because the row is invalid — and ``beneficiaries.importing.services.commit_import`` carries that out.
"""

import datetime as dt
import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, fields, make_dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from pekka.programmes.models import ProgrammeStaff
from pekka.regions.models import Level, Region
from pekka.text import normalize_search

from ..importers import ColumnMap, ParsedFile, Problem, RowResult
from ..models import Beneficiary, Business, BusinessType, Category, Education, Enrolment, Household, MaritalStatus, Sex

# A name on file this different from the file's (rapidfuzz token set ratio, 0–100) makes a NIK match suspect.
NAME_MATCH_MIN = 60
# An official village name at least this close (rapidfuzz ratio) to one not found is offered as a suggestion.
SUGGESTION_MIN = 75

# The beneficiary fields a row may set, in the order the preview lists changes.
BENEFICIARY_FIELDS = (
    "full_name",
    "nik",
    "sex",
    "birth_place",
    "birth_date",
    "marital_status",
    "education",
    "phone",
    "category",
)


class Action:
    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    INVALID = "invalid"
    ALL = (NEW, UPDATE, UNCHANGED, INVALID)


@dataclass(slots=True, eq=False)
class NewHousehold:
    """A household the import creates; women of the file who share its family card share it."""

    kk_number: str
    village_id: str
    rt: str = ""
    rw: str = ""
    address: str = ""
    id: int | None = None


@dataclass
class ImportPlan:
    """What importing the parsed rows would do."""

    parsed: ParsedFile
    programme: object
    # The registered women the rows are about, their households and those of the file's family cards, as light
    # records of their columns (see _record_class), by id.
    women: dict[int, object] = field(default_factory=dict)
    households: dict[int, object] = field(default_factory=dict)
    households_by_kk: dict[str, object] = field(default_factory=dict)
    household_of: dict[int, object] = field(default_factory=dict)  # row number → her household (or a NewHousehold)
    new_households: list[NewHousehold] = field(default_factory=list)
    changed_households: dict[int, set[str]] = field(default_factory=dict)  # pk → fields changed on the instance
    changed_women: dict[int, set[str]] = field(default_factory=dict)  # pk → fields changed on the instance
    enrolled: set[int] = field(default_factory=set)  # women already in the programme
    business_types: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))  # woman → her types
    enrol: list[int] = field(default_factory=list)  # row numbers whose woman joins the programme
    new_business: list[int] = field(default_factory=list)  # row numbers that add a business
    household_rows: dict[int, int] = field(default_factory=dict)  # id(household) → first row number naming it
    village_names: dict[str, str] = field(default_factory=dict)  # code → name, for the preview

    @property
    def rows(self) -> list[RowResult]:
        return self.parsed.rows

    @property
    def counts(self) -> dict[str, int]:
        totals = dict.fromkeys(Action.ALL, 0)
        for row in self.rows:
            totals[row.action] += 1
        return {"total": len(self.rows), **totals}


def match_rows(parsed: ParsedFile, *, programme, progress: Callable[[int], None] | None = None) -> ImportPlan:
    """Checks the parsed rows against the registry and plans each one: new, update, unchanged or invalid.

    A row is about a registered woman when its NIK is hers, or else when its KK, name and birth date are; two rows
    about the same woman are both invalid. The rows are filled in (action, problems, changes), so a parse is matched
    once. ``progress(percent)`` is called between the steps.
    """
    plan = ImportPlan(parsed=parsed, programme=programme)
    rows, columns = parsed.rows, parsed.columns
    _check_districts(rows, columns)
    _resolve_villages(rows, columns)
    _resolve_facilitators(rows, columns, programme)
    _resolve_business_types(rows, columns)
    _flag_duplicates_in_file(rows, columns)
    if progress:
        progress(40)
    _load_registry(plan)
    if progress:
        progress(70)
    _claim_women(plan)
    region_names = plan.village_names = _village_names(plan)
    new_households: dict[str, NewHousehold] = {}
    for row in rows:
        if row.errors:
            row.action = Action.INVALID
            continue
        woman = plan.women.get(row.beneficiary_id) if row.beneficiary_id else None
        _plan_household(plan, row, woman, new_households, region_names)
        if row.errors:
            row.action = Action.INVALID
            continue
        if woman is None:
            row.action = Action.NEW
            plan.enrol.append(row.number)
            if row.business_type_id:
                plan.new_business.append(row.number)
            continue
        _plan_woman(plan, row, woman)
        if woman.id not in plan.enrolled:
            plan.enrol.append(row.number)
            row.changes.append((_("Programme"), "", str(programme)))
        if row.business_type_id and row.business_type_id not in plan.business_types[woman.id]:
            plan.new_business.append(row.number)
            row.changes.append((_("Business"), "", row.business_type))
        row.action = Action.UPDATE if row.changes else Action.UNCHANGED
    if progress:
        progress(100)
    return plan


def _district_code(nik: str) -> str:
    return f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"


def _check_districts(rows: list[RowResult], columns: ColumnMap) -> None:
    """A NIK's first six digits must be a kecamatan of the region list: one query for the codes the file uses."""
    codes = {_district_code(row.nik) for row in rows if row.nik}
    known = set()
    if codes:
        known = set(Region.objects.filter(level=Level.DISTRICT, code__in=among(codes)).values_list("code", flat=True))
    header = columns.header("nik")
    for row in rows:
        if row.nik and _district_code(row.nik) not in known:
            message = _("The first six digits (%(code)s) are not a district (kecamatan) code.") % {"code": row.nik[:6]}
            row.errors.append(Problem(header, row.nik, message))


# --- regions ---

_REGION_PREFIX = re.compile(
    r"^(?:desa adat|desa|ds|kelurahan|kel|kecamatan|kec|distrik|kabupaten|kab|kota|provinsi|prov)\b\s*"
)
_REGION_COLUMNS = ("code", "name", "kind", "level", "parent_id", "search_name")


@functools.lru_cache(maxsize=20_000)
def region_key(text: str) -> str:
    """A region name as compared: folded, without "Desa", "Kel.", "Kec.", "Kab." and the like in front."""
    return _REGION_PREFIX.sub("", normalize_search(text or ""))


def _regency_matches(typed: str, regency: Region) -> bool:
    """ "Semarang" matches Kabupaten Semarang and Kota Semarang; "Kota Semarang" only the city."""
    folded = normalize_search(typed)
    if region_key(folded) != region_key(regency.name):
        return False
    if folded.startswith("kota "):
        return regency.kind == "kota"
    if folded.startswith(("kabupaten ", "kab ")):
        return regency.kind != "kota"
    return True


@dataclass
class _Found:
    code: str | None = None
    column: str = "village"  # the field the problem is about
    message: str = ""
    suggest: bool = False


class _Places:
    """The regions a file's rows name, loaded once: candidate villages, the kecamatan named, their ancestors."""

    def __init__(self, rows: list[RowResult]):
        self.regions: dict[str, Region] = {}
        self.villages: dict[str, list[Region]] = defaultdict(list)
        self.districts: dict[str, list[Region]] = defaultdict(list)
        names = {region_key(row.village) for row in rows}
        for region in Region.objects.filter(level=Level.VILLAGE, search_name__in=among(names)).only(*_REGION_COLUMNS):
            self.villages[region_key(region.search_name)].append(region)
        district_keys = {region_key(row.district) for row in rows if row.district}
        if district_keys:
            named = Region.objects.filter(level=Level.DISTRICT, search_name__in=among(district_keys))
            for region in named.only(*_REGION_COLUMNS):
                self.districts[region_key(region.search_name)].append(region)
                self.regions[region.code] = region
        ancestors = set()
        for region in [r for rs in self.villages.values() for r in rs] + list(self.regions.values()):
            parts = region.code.split(".")
            ancestors |= {".".join(parts[:n]) for n in range(1, len(parts))}
        if missing := ancestors - self.regions.keys():
            found = Region.objects.filter(code__in=among(missing)).only(*_REGION_COLUMNS)
            self.regions.update((r.code, r) for r in found)

    def ancestor(self, region: Region, level: int) -> Region | None:
        return self.regions.get(".".join(region.code.split(".")[:level]))

    def label(self, region: Region) -> str:
        """ "Kel. Garegeh, Kec. Mandiangin Koto Selayan, Kota Bukittinggi": enough to tell namesakes apart."""
        district, regency = self.ancestor(region, 3), self.ancestor(region, 2)
        parts = [region.label, district.label if district else "", regency.name if regency else ""]
        return ", ".join(p for p in parts if p)

    def resolve(self, village: str, district: str, regency: str, province: str) -> _Found:
        found = self.villages.get(village, [])

        def in_place(region: Region) -> bool:
            parent, grandparent = self.ancestor(region, 3), self.ancestor(region, 2)
            if district and (parent is None or region_key(parent.name) != district):
                return False
            if regency and (grandparent is None or not _regency_matches(regency, grandparent)):
                return False
            top = self.ancestor(region, 1)
            return not (province and (top is None or region_key(top.name) != province))

        matching = [region for region in found if in_place(region)]
        if len(matching) == 1:
            return _Found(code=matching[0].code)
        if matching:
            message = _(
                "There are %(n)s villages with this name (%(places)s). Fill in the kecamatan and kabupaten columns "
                "to say which one."
            ) % {"n": len(matching), "places": "; ".join(self.label(r) for r in matching[:5])}
            return _Found(message=message)
        if found:
            message = _(
                "There is no village with this name in the kecamatan or kabupaten given; it is in: %(places)s."
            ) % {"places": "; ".join(self.label(r) for r in found[:5])}
            return _Found(message=message)
        if district and not self.districts.get(district):
            return _Found(column="district", message=_("There is no kecamatan with this name in the region list."))
        return _Found(suggest=True)

    def scope(self, district: str, regency: str) -> list[Region]:
        """The kecamatan a row names (within its kabupaten, if given), where near misses are looked for."""
        return [
            d
            for d in self.districts.get(district, [])
            if not regency or ((r := self.ancestor(d, 2)) is not None and _regency_matches(regency, r))
        ]


def _resolve_villages(rows: list[RowResult], columns: ColumnMap) -> None:
    """Finds each row's village by name, telling namesakes apart by the kecamatan, kabupaten and province columns
    (case and spaces do not matter). A village not found gets a suggestion from its kecamatan, never a guess."""
    wanted = [row for row in rows if row.village]
    if not wanted:
        return
    places = _Places(wanted)
    outcomes: dict[tuple, _Found] = {}
    near_misses: dict[tuple, list[RowResult]] = defaultdict(list)
    for row in wanted:
        key = (region_key(row.village), region_key(row.district), row.regency or "", region_key(row.province))
        if key not in outcomes:
            outcomes[key] = places.resolve(*key)
        found = outcomes[key]
        if found.code:
            row.village_code = found.code
        elif found.suggest:
            near_misses[key].append(row)
        else:
            value = row.district if found.column == "district" else row.village
            row.errors.append(Problem(columns.header(found.column), value, found.message))
    if near_misses:
        _suggest_villages(near_misses, places, columns.header("village"))


def _suggest_villages(near_misses: dict[tuple, list[RowResult]], places: _Places, header: str) -> None:
    """Looks for official names close to the villages not found, in the kecamatan each row names (one query)."""
    scopes = {key: places.scope(key[1], key[2]) for key in near_misses}
    by_district: dict[str, list[Region]] = defaultdict(list)
    if codes := {d.code for scope in scopes.values() for d in scope}:
        for region in Region.objects.filter(level=Level.VILLAGE, parent_id__in=among(codes)).only(*_REGION_COLUMNS):
            by_district[region.parent_id].append(region)
    for key, rows in near_misses.items():
        pool = {r.code: r for d in scopes[key] for r in by_district.get(d.code, [])}
        best = process.extractOne(
            key[0], {code: region_key(r.search_name) for code, r in pool.items()}, scorer=fuzz.ratio
        )
        if best and best[1] >= SUGGESTION_MIN:
            region = pool[best[2]]
            message = _("This village is not in the region list. Did you mean “%(name)s” (%(place)s)?") % {
                "name": region.name,
                "place": places.label(region),
            }
        elif scopes[key]:
            message = _("This village is not in the region list for that kecamatan.")
        else:
            message = _("This village is not in the region list. Fill in the kecamatan column to get a suggestion.")
        for row in rows:
            row.errors.append(Problem(header, row.village, message))


# --- people and reference lists ---


def _resolve_facilitators(rows: list[RowResult], columns: ColumnMap, programme) -> None:
    """``pendamping`` is the user name (any case) of an active facilitator who works in the programme."""
    names = {row.facilitator.casefold() for row in rows if row.facilitator}
    if not names:
        return
    found = get_user_model().objects.annotate(folded=Lower("username")).filter(folded__in=among(names))
    users = {user.username.casefold(): user for user in found}
    staff = set(
        ProgrammeStaff.objects.filter(programme=programme, user__in=[u.pk for u in users.values()]).values_list(
            "user_id", flat=True
        )
    )
    header = columns.header("facilitator")
    for row in rows:
        if not row.facilitator:
            continue
        user = users.get(row.facilitator.casefold())
        if user is None:
            message = _("There is no user with this user name.")
        elif not user.is_facilitator or not user.is_active:
            message = _("This user is not an active facilitator.")
        elif user.pk not in staff:
            message = _("This facilitator does not work in the programme %(programme)s.") % {"programme": programme}
        else:
            row.facilitator_id = user.pk
            continue
        row.errors.append(Problem(header, row.facilitator, message))


def _resolve_business_types(rows: list[RowResult], columns: ColumnMap) -> None:
    """``jenis_usaha`` names an active business type by its code, its name or part of it, or its English name."""
    if not any(row.business_type for row in rows):
        return
    types = list(BusinessType.objects.filter(is_active=True))
    lookup: dict[str, set[int]] = defaultdict(set)
    for business_type in types:
        names = {business_type.code, business_type.name, business_type.name_en}
        names |= set(business_type.name.split("/")) | set(business_type.name_en.split("/"))
        for name in names:
            if key := normalize_search(name):
                lookup[key].add(business_type.pk)
    header = columns.header("business_type")
    for row in rows:
        if not row.business_type:
            continue
        found = lookup.get(normalize_search(row.business_type), set())
        if len(found) == 1:
            row.business_type_id = next(iter(found))
        else:
            message = _("is not a business type. Use one of: %(names)s.") % {"names": ", ".join(t.code for t in types)}
            row.errors.append(Problem(header, row.business_type, message))


def fold(name: str) -> str:
    """A name as compared with another: case, accents, punctuation and spacing do not count."""
    return normalize_search(name)


def _person_key(row: RowResult) -> tuple | None:
    """The other way to recognise a woman: family card, name and birth date."""
    if row.kk_number and row.full_name and row.birth_date:
        return row.kk_number, fold(row.full_name), row.birth_date
    return None


def _flag_duplicates_in_file(rows: list[RowResult], columns: ColumnMap) -> None:
    """Two rows with the same NIK, or the same KK, name and birth date, are both errors."""
    by_nik: dict[str, list[RowResult]] = defaultdict(list)
    by_person: dict[tuple, list[RowResult]] = defaultdict(list)
    for row in rows:
        if row.nik:
            by_nik[row.nik].append(row)
        if key := _person_key(row):
            by_person[key].append(row)
    for group in by_nik.values():
        for row in group if len(group) > 1 else ():
            others = ", ".join(str(r.number) for r in group if r is not row)
            message = _("The same NIK is also in row %(rows)s of this file.") % {"rows": others}
            row.errors.append(Problem(columns.header("nik"), row.nik, message))
    for group in by_person.values():
        if len({r.nik for r in group}) < len(group) and len(group) > 1:
            for row in group:
                if row.nik and sum(1 for r in group if r.nik == row.nik) > 1:
                    continue  # already reported as the same NIK
                others = ", ".join(str(r.number) for r in group if r is not row)
                message = _("The same person (KK, name and birth date) is also in row %(rows)s of this file.")
                row.errors.append(Problem("", "", message % {"rows": others}))


@functools.cache
def _record_class(model):
    """A light stand-in for rows of ``model``: its columns as attributes and nothing else, since tens of thousands
    are read at a time. Its fields are the attnames, "id" first."""
    names = ["id", *(f.attname for f in model._meta.concrete_fields if not f.primary_key)]
    return make_dataclass(f"{model.__name__}Record", names, slots=True, eq=False)


def _records(model, queryset) -> list:
    record = _record_class(model)
    return [record(*values) for values in queryset.values_list(*(f.name for f in fields(record)))]


def among(values) -> RawSQL:
    """``values`` as a single query parameter, for ``field__in=among(values)``: one query however many values
    (an array on PostgreSQL, JSON on SQLite)."""
    values = list(values)
    if not values:
        raise ValueError("among() needs at least one value: skip the query instead")
    if connection.vendor == "postgresql":
        kind = "bigint" if isinstance(values[0], int) else "text"
        return RawSQL(f"SELECT unnest(%s::{kind}[])", [values])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values, default=str)])


def _load_registry(plan: ImportPlan) -> None:
    """The women the rows may be about (by NIK, or living in a household of one of the file's family cards), those
    households, and which of those women are in the programme already and which business types they have."""
    rows = plan.rows
    niks = {row.nik for row in rows if row.nik}
    kks = {row.kk_number for row in rows if row.kk_number}
    women = {}
    if niks:
        women.update((w.id, w) for w in _records(Beneficiary, Beneficiary.objects.filter(nik__in=among(niks))))
    if kks:
        by_kk = Beneficiary.objects.filter(household__kk_number__in=among(kks))
        if women:
            by_kk = by_kk.exclude(id__in=among(women))
        women.update((w.id, w) for w in _records(Beneficiary, by_kk))
    household_ids = {w.household_id for w in women.values() if w.household_id}
    households = {}
    if household_ids or kks:
        query = Household.objects.none()
        if household_ids:
            query |= Household.objects.filter(id__in=among(household_ids))
        if kks:
            query |= Household.objects.filter(kk_number__in=among(kks))
        households = {h.id: h for h in _records(Household, query)}
    plan.women = women
    plan.households = households
    plan.households_by_kk = {h.kk_number: h for h in households.values() if h.kk_number}
    plan.by_nik = {w.nik: w for w in women.values() if w.nik}
    plan.by_person = {}
    for woman in women.values():
        household = households.get(woman.household_id)
        if household is not None and household.kk_number and woman.birth_date:
            key = (household.kk_number, fold(woman.full_name), woman.birth_date)
            plan.by_person.setdefault(key, woman)
    if women:
        plan.enrolled = set(
            Enrolment.objects.filter(programme=plan.programme, beneficiary_id__in=among(women)).values_list(
                "beneficiary_id", flat=True
            )
        )
        for woman_id, type_id in Business.objects.filter(beneficiary_id__in=among(women)).values_list(
            "beneficiary_id", "business_type_id"
        ):
            plan.business_types[woman_id].add(type_id)


def _claim_women(plan: ImportPlan) -> None:
    """Links each valid row to the registered woman it is about, if any; two rows about one woman are both errors."""
    columns = plan.parsed.columns
    claimed: dict[int, RowResult] = {}
    for row in plan.rows:
        if row.errors:
            continue
        woman = _target(plan, row, columns)
        if woman is None or row.errors:
            continue
        first = claimed.get(woman.id)
        if first is None:
            claimed[woman.id] = row
            row.beneficiary_id = woman.id
            continue
        message = _("This row and row %(row)s are about the same registered woman (record #%(pk)s).")
        row.errors.append(Problem("", "", message % {"row": first.number, "pk": woman.id}))
        first.errors.append(Problem("", "", message % {"row": row.number, "pk": woman.id}))


def _target(plan: ImportPlan, row: RowResult, columns: ColumnMap) -> Beneficiary | None:
    """The registered woman a row is about: by NIK, else by KK + name + birth date."""
    if row.nik and row.nik in plan.by_nik:
        woman = plan.by_nik[row.nik]
        similarity = fuzz.token_set_ratio(normalize_search(row.full_name or ""), normalize_search(woman.full_name))
        if row.full_name and similarity < NAME_MATCH_MIN:
            message = _("This NIK belongs to %(name)s (record #%(pk)s), not to the name in this row.")
            row.errors.append(
                Problem(columns.header("nik"), row.nik, message % {"name": woman.full_name, "pk": woman.id})
            )
        return woman
    key = _person_key(row)
    woman = plan.by_person.get(key) if key else None
    if woman is not None and row.nik and woman.nik:
        message = _("The KK, name and birth date are those of %(name)s (record #%(pk)s), whose NIK is different.")
        row.errors.append(Problem(columns.header("nik"), row.nik, message % {"name": woman.full_name, "pk": woman.id}))
    return woman


# --- planning the changes ---


def _village_names(plan: ImportPlan) -> dict[str, str]:
    """Names of the villages the preview may mention (the rows' and the households'), in one query."""
    codes = {row.village_code for row in plan.rows if row.village_code}
    codes |= {h.village_id for h in plan.households.values()}
    return dict(Region.objects.filter(code__in=among(codes)).values_list("code", "name")) if codes else {}


def _household_label(household, region_names: dict[str, str]) -> str:
    if household is None:
        return ""
    village = region_names.get(household.village_id, household.village_id)
    return f"KK {household.kk_number} ({village})" if household.kk_number else village


_HOUSEHOLD_LABELS = {
    "kk_number": lambda: _("Family card (KK)"),
    "village_id": lambda: _("Village"),
    "rt": lambda: _("RT"),
    "rw": lambda: _("RW"),
    "address": lambda: _("Address"),
}


def _plan_household(plan: ImportPlan, row: RowResult, woman, new_households, region_names) -> None:
    """The household the row's woman will be in, created or changed as the row says.

    The household of the row's family card if one is on file (or an earlier row creates it); else her own
    household, which takes the family card if it had none; else a new household in the row's village (or in hers).
    Filled cells change the household; blank ones never erase.
    """
    current = plan.households.get(woman.household_id) if woman is not None else None
    kk = row.kk_number
    if woman is not None and current is None and not kk and not row.village_code:
        return  # she has no household on file, and the row names none
    if kk and kk in plan.households_by_kk:
        target = plan.households_by_kk[kk]
    elif kk and kk in new_households:
        target = new_households[kk]
    elif current is not None and (not kk or not current.kk_number):
        target = current
    else:
        village = row.village_code or (current.village_id if current else None)
        if village is None:
            message = (
                _("A new beneficiary needs a village (desa/kelurahan).")
                if woman is None
                else _("A new household needs a village (desa/kelurahan).")
            )
            row.errors.append(Problem(plan.parsed.columns.header("village"), "", message))
            return
        target = NewHousehold(
            kk_number=kk or "",
            village_id=village,
            rt=row.rt or (current.rt if current else ""),
            rw=row.rw or (current.rw if current else ""),
            address=row.address or (current.address if current else ""),
        )
        plan.new_households.append(target)
        if kk:
            new_households[kk] = target
    values = {"kk_number": kk, "village_id": row.village_code, "rt": row.rt, "rw": row.rw, "address": row.address}
    # The first row of the file that names a household says what it is; later rows only fill its blanks, so that
    # importing the same file twice changes nothing.
    first_row = plan.household_rows.setdefault(id(target), row.number)
    changed = set()
    for attr, value in values.items():
        old = getattr(target, attr)
        if not value or old == value:
            continue
        if first_row != row.number and old:
            message = _("This family card (KK) is also in row %(row)s with another address; that row's is kept.")
            if not any(w.message == message % {"row": first_row} for w in row.warnings):
                row.warnings.append(Problem("", "", message % {"row": first_row}))
            continue
        if not isinstance(target, NewHousehold) and woman is not None and target is current:
            shown = (region_names.get(old, old), region_names.get(value, value)) if attr == "village_id" else None
            row.changes.append((_HOUSEHOLD_LABELS[attr](), *(shown or (old, value))))
        setattr(target, attr, value)
        changed.add(attr)
    if changed and not isinstance(target, NewHousehold):
        plan.changed_households.setdefault(target.id, set()).update(changed)
        if "kk_number" in changed:
            plan.households_by_kk[target.kk_number] = target
    if woman is not None and target is not current:
        row.changes.append((_("Household"), _household_label(current, region_names), _household_label(target, {})))
        plan.changed_women.setdefault(woman.id, set()).add("household_id")
    plan.household_of[row.number] = target


def _choice_label(name: str, value) -> str:
    choices = {"sex": Sex, "marital_status": MaritalStatus, "education": Education, "category": Category}.get(name)
    if choices is not None and value:
        return str(choices(value).label) if value in choices.values else str(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def _plan_woman(plan: ImportPlan, row: RowResult, woman: Beneficiary) -> None:
    """Sets on the registered woman the filled cells that differ from her record."""
    changed = plan.changed_women.setdefault(woman.id, set())
    for name in BENEFICIARY_FIELDS:
        value = getattr(row, name)
        old = getattr(woman, name)
        if value is not None and old != value:
            label = str(Beneficiary._meta.get_field(name).verbose_name)
            row.changes.append((label[:1].upper() + label[1:], _choice_label(name, old), _choice_label(name, value)))
            setattr(woman, name, value)
            changed.add(name)
    if row.facilitator_id and woman.facilitator_id != row.facilitator_id:
        row.changes.append((_("Facilitator"), "", row.facilitator))
        woman.facilitator_id = row.facilitator_id
        changed.add("facilitator_id")
    if not changed:
        del plan.changed_women[woman.id]
