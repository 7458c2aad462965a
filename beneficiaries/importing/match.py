"""The second half of checking an import: the parsed rows against the registry. Writes nothing.

Regions, NIKs and family cards on file, facilitators and business types are each read with one set-based query
(chunked for very large files), never one query per row; each row is linked to the registered woman it is about,
if any. ``plan.plan_rows`` then says what importing each row would do, and ``commit.commit_import`` carries that
out.
"""

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import fields, make_dataclass

from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from pekka.bulk import among
from pekka.programmes.models import ProgrammeStaff
from pekka.regions.models import Level, Region
from pekka.text import normalize_search

from ..models import Beneficiary, Business, BusinessType, Enrolment, Household
from .aliases import load_aliases
from .business import BusinessReader
from .check import Problem, RowResult, _lookups
from .columns import ColumnMap
from .plan import ImportPlan, plan_rows
from .read import ParsedFile
from .regions import RegionMatcher

# A name on file this different from the file's (rapidfuzz token set ratio, 0–100) makes a NIK match suspect.
NAME_MATCH_MIN = 60


def match_rows(parsed: ParsedFile, *, programme, progress: Callable[[int], None] | None = None) -> ImportPlan:
    """Checks the parsed rows against the registry and plans each one: new, update, unchanged or invalid.

    A row is about a registered woman when its NIK is hers, or else when its KK, name and birth date are; two rows
    about the same woman are both invalid. The rows are filled in (action, problems, changes), so a parse is matched
    once. ``progress(percent)`` is called between the steps.
    """
    plan = ImportPlan(parsed=parsed, programme=programme, aliases=load_aliases())
    rows, columns = parsed.rows, parsed.columns
    _check_districts(rows, columns)
    aliases = plan.aliases
    _resolve_villages(rows, columns, aliases)
    _resolve_choices(rows, columns, aliases)
    _resolve_facilitators(rows, columns, programme, aliases)
    _resolve_business_types(rows, columns, aliases)
    _flag_duplicates_in_file(rows, columns)
    if progress:
        progress(40)
    by_nik, by_person = _load_registry(plan)
    if progress:
        progress(70)
    _claim_women(plan, by_nik, by_person)
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
            row.add_error(Problem(header, row.nik, message))


# --- regions ---


def _resolve_villages(rows: list[RowResult], columns: ColumnMap, aliases) -> None:
    """Finds each row's village from the region columns as people write them (``regions.RegionMatcher``): once per
    distinct (province, regency, kecamatan, village), with the aliases confirmed earlier. A near miss is never
    taken: it is a problem with the official name and code as suggestions, which the preview groups by value. Rows
    without a village are left alone (a registered woman keeps her household; a new one is told to name it)."""
    wanted = [row for row in rows if row.village]
    if not wanted:
        return
    keys = {row: (row.province or "", row.regency or "", row.district or "", row.village) for row in wanted}
    resolutions = RegionMatcher(aliases).resolve(set(keys.values()))
    headers = {name: columns.header(name) for name in ("province", "regency", "district", "village")}
    problems: dict[tuple, list[Problem]] = {}
    for row, key in keys.items():
        resolution = resolutions[key]
        row.village_code = resolution.village_code
        if not resolution.findings:
            continue
        if key not in problems:
            problems[key] = [
                Problem(headers[f.field], f.value, f.message, field=f.field, scope=f.scope, suggestions=f.suggestions)
                for f in resolution.findings
            ]
        row.add_error(*problems[key])


# --- people and reference lists ---


# A choice (or a facilitator) this close (rapidfuzz) to a value not understood is offered as a suggestion.
CHOICE_SUGGESTION_MIN = 60
FACILITATOR_SUGGESTION_MIN = 60


def _resolve_choices(
    rows: list[RowResult], columns: ColumnMap, aliases: dict[tuple[str, str, str], str] | None = None
) -> None:
    """A sex, marital status, education or category the row checker did not understand: an alias confirmed earlier
    settles it (the error goes and the row takes the alias's value); otherwise the error says which field it is
    about and offers the closest choices (at most three), compared with every word the checker knows for each."""
    aliases = aliases or {}
    names = {columns.header(name): name for name in ("sex", "marital_status", "education", "category")}
    names = {header: name for header, name in names.items() if name in columns.index}
    if not names:
        return
    lookups = _lookups()
    settled: dict[tuple[str, str], tuple[str | None, tuple[tuple[str, str], ...]]] = {}

    def settle(name: str, value: str) -> tuple[str | None, tuple[tuple[str, str], ...]]:
        key = normalize_search(value)
        alias = aliases.get((name, "", key))
        if alias in lookups[name].values():
            return alias, ()
        scores: dict[str, float] = {}
        words = set(key.split())
        for synonym, choice in lookups[name].items():
            # "janda" is in "janda mati" and "janda cerai": a word of both, so both are offered.
            score = max(fuzz.ratio(key, synonym), 90 if words and words <= set(synonym.split()) else 0)
            if score >= CHOICE_SUGGESTION_MIN and score > scores.get(choice, 0):
                scores[choice] = score
        labels = dict(Beneficiary._meta.get_field(name).flatchoices)
        order = list(labels)
        best = sorted(scores, key=lambda choice: (-scores[choice], order.index(choice) if choice in order else 0))
        return None, tuple((choice, str(labels.get(choice, choice))) for choice in best[:3])

    for row in rows:
        if not any(problem.column in names for problem in row.errors):
            continue
        kept = []
        for problem in row.errors:
            name = names.get(problem.column)
            if name is None or problem.field:
                kept.append(problem)
                continue
            if (name, problem.value) not in settled:
                settled[name, problem.value] = settle(name, problem.value)
            value, suggestions = settled[name, problem.value]
            if value is not None:
                setattr(row, name, value)
            else:
                kept.append(
                    Problem(problem.column, problem.value, problem.message, field=name, suggestions=suggestions)
                )
        row.errors = kept or ()


def _resolve_facilitators(
    rows: list[RowResult], columns: ColumnMap, programme, aliases: dict[tuple[str, str, str], str] | None = None
) -> None:
    """``pendamping`` names an active facilitator who works in the programme: by her user name (any case), by an
    alias confirmed earlier, or by her full or first name when no other active facilitator of the programme has it
    (case and spaces do not matter). Otherwise the error offers the programme's closest facilitators. Two queries:
    the users named, and the programme's staff."""
    aliases = aliases or {}
    typed = {row.facilitator for row in rows if row.facilitator}
    if not typed:
        return
    alias_of = {text: aliases.get(("facilitator", "", normalize_search(text))) for text in typed}
    names = {text.casefold() for text in typed} | {alias.casefold() for alias in alias_of.values() if alias}
    user_model = get_user_model()
    found = user_model.objects.annotate(folded=Lower("username")).filter(folded__in=among(names))
    users = {user.username.casefold(): user for user in found}
    staff = list(
        user_model.objects.filter(pk__in=ProgrammeStaff.objects.filter(programme=programme).values("user_id")).only(
            "id", "username", "first_name", "last_name", "role", "is_active"
        )
    )
    in_programme = {user.pk for user in staff}
    active = [user for user in staff if user.is_facilitator and user.is_active]
    by_name: dict[str, set[int]] = defaultdict(set)
    for user in active:
        for name in (user.get_full_name(), user.first_name):
            if key := normalize_search(name):
                by_name[key].add(user.pk)

    def closest(
        text: str, candidates: list, *, cutoff: int = FACILITATOR_SUGGESTION_MIN
    ) -> tuple[tuple[str, str], ...]:
        """(username, "Full Name (username)") of the candidates nearest ``text``, at most three."""
        key = normalize_search(text)
        scores = {}
        for user in candidates:
            keys = {normalize_search(n) for n in (user.username, user.get_full_name(), user.first_name)} - {""}
            score = max((fuzz.WRatio(key, name) for name in keys), default=0) if key else 0
            if score >= cutoff:
                scores[user] = score
        best = sorted(scores, key=lambda user: (-scores[user], user.username))[:3]
        return tuple(
            (u.username, f"{u.get_full_name()} ({u.username})" if u.get_full_name() else u.username) for u in best
        )

    outcomes: dict[str, tuple[int | None, str, tuple[tuple[str, str], ...]]] = {}
    for text in typed:
        user = users.get((alias_of[text] or "").casefold()) or users.get(text.casefold())
        if user is None:
            named = by_name.get(normalize_search(text), set())
            if len(named) == 1:
                outcomes[text] = (next(iter(named)), "", ())
                continue
            if named:
                message = _("More than one facilitator of the programme has this name: write her user name.")
                outcomes[text] = (None, message, closest(text, [u for u in active if u.pk in named], cutoff=0))
                continue
            message = _("There is no user with this user name, and no facilitator of the programme with this name.")
        elif not user.is_facilitator or not user.is_active:
            message = _("This user is not an active facilitator.")
        elif user.pk not in in_programme:
            message = _("This facilitator does not work in the programme %(programme)s.") % {"programme": programme}
        else:
            outcomes[text] = (user.pk, "", ())
            continue
        outcomes[text] = (None, message, closest(text, active))
    header = columns.header("facilitator")
    for row in rows:
        if not row.facilitator:
            continue
        user_id, message, suggestions = outcomes[row.facilitator]
        if user_id is not None:
            row.facilitator_id = user_id
        else:
            row.add_error(Problem(header, row.facilitator, message, field="facilitator", suggestions=suggestions))


def _resolve_business_types(
    rows: list[RowResult], columns: ColumnMap, aliases: dict[tuple[str, str, str], str] | None = None
) -> None:
    """``jenis_usaha`` describes one business or several ("anyaman + kambing"), read by ``business.BusinessReader``
    against the active business types: each business keeps the text as typed for its description, and what is not
    clear becomes type Other with a warning, never a reason to refuse the row. The business name (``nama_usaha``)
    is the first business's."""
    if not any(row.business_type for row in rows):
        return
    reader = BusinessReader(list(BusinessType.objects.filter(is_active=True)), aliases)
    header = columns.header("business_type")
    # Per distinct cell: its reading, its problems and its businesses without a name, shared by every row with it.
    readings: dict[str, tuple] = {}
    for row in rows:
        if not row.business_type:
            continue
        known = readings.get(row.business_type)
        if known is None:
            reading = reader.read(row.business_type)
            problems = tuple(
                Problem(header, doubt.value, doubt.message, field="business_type", suggestions=doubt.suggestions)
                for doubt in reading.warnings
            )
            known = readings[row.business_type] = reading, problems, _businesses(reading, "")
        reading, problems, nameless = known
        if not reading.parts:  # not clear, and no type Other to fall back on
            row.add_error(*problems)
            continue
        row.add_warning(*problems)
        row.businesses = _businesses(reading, row.business_name) if row.business_name else nameless
        row.business_type_id = reading.parts[0][0]


def _businesses(reading, name: str) -> tuple[tuple[int, str, str], ...]:
    """(business type id, name, description) of each business a cell describes; the name is the first one's."""
    return tuple(
        (type_id, name if position == 0 else "", description)
        for position, (type_id, description) in enumerate(reading.parts)
    )


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
            row.add_error(Problem(columns.header("nik"), row.nik, message))
    for group in by_person.values():
        if len({r.nik for r in group}) < len(group) and len(group) > 1:
            for row in group:
                if row.nik and sum(1 for r in group if r.nik == row.nik) > 1:
                    continue  # already reported as the same NIK
                others = ", ".join(str(r.number) for r in group if r is not row)
                message = _("The same person (KK, name and birth date) is also in row %(rows)s of this file.")
                row.add_error(Problem("", "", message % {"rows": others}))


@functools.cache
def _record_class(model):
    """A light stand-in for rows of ``model``: its columns as attributes and nothing else, since tens of thousands
    are read at a time. Its fields are the attnames, "id" first."""
    names = ["id", *(f.attname for f in model._meta.concrete_fields if not f.primary_key)]
    return make_dataclass(f"{model.__name__}Record", names, slots=True, eq=False)


# Columns whose values are (nearly) all different: not worth sharing between records. Every other column's values
# repeat (villages, dates, choices, moments of an import), and equal values are shared, one object for all.
_DISTINCT_COLUMNS = {"id", "nik", "full_name", "phone", "search_text", "kk_number", "household_id"}


def _records(model, queryset) -> list:
    """The rows of ``queryset`` as light records (``_record_class``), read a few thousand at a time; a repeated
    value is one object for every record holding it (100,000 women's records take ~60 MB less)."""
    record = _record_class(model)
    names = [f.name for f in fields(record)]
    shared = [(index, {}) for index, name in enumerate(names) if name not in _DISTINCT_COLUMNS]
    records = []
    for values in queryset.values_list(*names).iterator(chunk_size=5000):
        values = list(values)
        for index, seen in shared:
            value = values[index]
            values[index] = seen.setdefault(value, value)
        records.append(record(*values))
    return records


def _load_registry(plan: ImportPlan) -> tuple[dict, dict]:
    """The women the rows may be about (by NIK, or living in a household of one of the file's family cards), those
    households, and which of those women are in the programme already and which business types they have. Returns
    the women by NIK, and by (KK, folded name, birth date) those a row without a NIK on file may be about."""
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
    by_nik = {w.nik: w for w in women.values() if w.nik}
    # Only rows whose NIK is not on file are recognised by KK, name and birth date (``_target``).
    wanted_kks = {row.kk_number for row in rows if row.kk_number and row.nik not in by_nik}
    by_person = {}
    for woman in women.values():
        household = households.get(woman.household_id)
        if household is not None and household.kk_number in wanted_kks and woman.birth_date:
            key = (household.kk_number, fold(woman.full_name), woman.birth_date)
            by_person.setdefault(key, woman)
    if women:
        plan.enrolled = set(
            Enrolment.objects.filter(programme=plan.programme, beneficiary_id__in=among(women)).values_list(
                "beneficiary_id", flat=True
            )
        )
        plan.business_types = set(
            Business.objects.filter(beneficiary_id__in=among(women))
            .values_list("beneficiary_id", "business_type_id")
            .iterator(chunk_size=5000)
        )
    return by_nik, by_person


def _claim_women(plan: ImportPlan, by_nik: dict, by_person: dict) -> None:
    """Links each valid row to the registered woman it is about, if any; two rows about one woman are both errors."""
    columns = plan.parsed.columns
    claimed: dict[int, RowResult] = {}
    for row in plan.rows:
        if row.errors:
            continue
        woman = _target(row, columns, by_nik, by_person)
        if woman is None or row.errors:
            continue
        first = claimed.get(woman.id)
        if first is None:
            claimed[woman.id] = row
            row.beneficiary_id = woman.id
            continue
        message = _("This row and row %(row)s are about the same registered woman (record #%(pk)s).")
        row.add_error(Problem("", "", message % {"row": first.number, "pk": woman.id}))
        first.add_error(Problem("", "", message % {"row": row.number, "pk": woman.id}))


def _target(row: RowResult, columns: ColumnMap, by_nik: dict, by_person: dict) -> Beneficiary | None:
    """The registered woman a row is about: by NIK, else by KK + name + birth date."""
    if row.nik and row.nik in by_nik:
        woman = by_nik[row.nik]
        similarity = fuzz.token_set_ratio(normalize_search(row.full_name or ""), normalize_search(woman.full_name))
        if row.full_name and similarity < NAME_MATCH_MIN:
            message = _("This NIK belongs to %(name)s (record #%(pk)s), not to the name in this row.")
            row.add_error(Problem(columns.header("nik"), row.nik, message % {"name": woman.full_name, "pk": woman.id}))
        return woman
    key = _person_key(row)
    woman = by_person.get(key) if key else None
    if woman is not None and row.nik and woman.nik:
        message = _("The KK, name and birth date are those of %(name)s (record #%(pk)s), whose NIK is different.")
        row.add_error(Problem(columns.header("nik"), row.nik, message % {"name": woman.full_name, "pk": woman.id}))
    return woman


def _village_names(plan: ImportPlan) -> dict[str, str]:
    """Names of the villages the preview may mention (the rows' and the households'), in one query."""
    codes = {row.village_code for row in plan.rows if row.village_code}
    codes |= {h.village_id for h in plan.households.values()}
    return dict(Region.objects.filter(code__in=among(codes)).values_list("code", "name")) if codes else {}
