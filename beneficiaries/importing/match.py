"""The second half of checking an import: the parsed rows against the registry. Writes nothing.

Regions, NIKs and family cards on file, facilitators and business types are each read with one set-based query
(chunked for very large files), never one query per row; each row is linked to the registered woman it is about,
if any. ``plan.plan_rows`` then says what importing each row would do, and ``commit.commit_import`` carries that
out.
"""

import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields, make_dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from pekka.programmes.models import ProgrammeStaff
from pekka.regions.models import Level, Region
from pekka.text import normalize_search

from ..models import Beneficiary, Business, BusinessType, Enrolment, Household
from .check import Problem, RowResult
from .columns import ColumnMap
from .plan import ImportPlan, plan_rows
from .read import ParsedFile

# A name on file this different from the file's (rapidfuzz token set ratio, 0–100) makes a NIK match suspect.
NAME_MATCH_MIN = 60
# An official village name at least this close (rapidfuzz ratio) to one not found is offered as a suggestion.
SUGGESTION_MIN = 75


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
    plan.village_names = _village_names(plan)
    plan_rows(plan)
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


def _village_names(plan: ImportPlan) -> dict[str, str]:
    """Names of the villages the preview may mention (the rows' and the households'), in one query."""
    codes = {row.village_code for row in plan.rows if row.village_code}
    codes |= {h.village_id for h in plan.households.values()}
    return dict(Region.objects.filter(code__in=among(codes)).values_list("code", "name")) if codes else {}
