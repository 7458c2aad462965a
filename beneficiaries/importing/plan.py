"""What importing each matched row does: create a beneficiary, update one (only the fields the file fills in;
blank cells never erase), leave one as it is, or nothing because the row is invalid; and which households are
created or changed. No database: ``match.match_rows`` has read what the rows are about, and
``commit.commit_import`` carries the plan out.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import Beneficiary, Category, Education, MaritalStatus, Sex
from .check import Problem, RowResult
from .read import ParsedFile

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
    """What importing a row does."""

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
    # records of their columns (see match._record_class), by id.
    women: dict[int, object] = field(default_factory=dict)
    households: dict[int, object] = field(default_factory=dict)
    households_by_kk: dict[str, object] = field(default_factory=dict)
    household_of: dict[int, object] = field(default_factory=dict)  # row number → her household (or a NewHousehold)
    new_households: list[NewHousehold] = field(default_factory=list)
    changed_households: dict[int, set[str]] = field(default_factory=dict)  # pk → fields changed on the instance
    changed_women: dict[int, set[str]] = field(default_factory=dict)  # pk → fields changed on the instance
    enrolled: set[int] = field(default_factory=set)  # women already in the programme
    business_types: set[tuple[int, int]] = field(default_factory=set)  # (woman, business type) she has
    enrol: list[int] = field(default_factory=list)  # row numbers whose woman joins the programme
    # The businesses to create: (row number, business type id, name, description), in row order.
    new_business: list[tuple[int, int, str, str]] = field(default_factory=list)
    household_rows: dict[object, int] = field(default_factory=dict)  # household → first row number naming it
    village_names: dict[str, str] = field(default_factory=dict)  # code → name, for the preview
    # What village offices' spellings mean, confirmed earlier: (field, scope, key) → value (aliases.load_aliases).
    aliases: dict[tuple[str, str, str], str] = field(default_factory=dict)

    @property
    def rows(self) -> list[RowResult]:
        return self.parsed.rows

    @property
    def counts(self) -> dict[str, int]:
        totals = dict.fromkeys(Action.ALL, 0)
        for row in self.rows:
            totals[row.action] += 1
        return {"total": len(self.rows), **totals}


def plan_rows(plan: ImportPlan) -> None:
    """Decides each row's action — new, update, unchanged or invalid — with the household she will be in, the
    changes the preview lists, and whether she joins the programme and gets a business."""
    new_households: dict[str, NewHousehold] = {}
    for row in plan.rows:
        if row.errors:
            row.action = Action.INVALID
            continue
        woman = plan.women.get(row.beneficiary_id) if row.beneficiary_id else None
        _plan_household(plan, row, woman, new_households, plan.village_names)
        if row.errors:
            row.action = Action.INVALID
            continue
        if woman is None:
            row.action = Action.NEW
            plan.enrol.append(row.number)
            plan.new_business.extend((row.number, *business) for business in row.businesses)
            continue
        _plan_woman(plan, row, woman)
        if woman.id not in plan.enrolled:
            plan.enrol.append(row.number)
            row.add_change((_("Programme"), "", str(plan.programme)))
        starting = [business for business in row.businesses if (woman.id, business[0]) not in plan.business_types]
        if starting:
            plan.new_business.extend((row.number, *business) for business in starting)
            row.add_change((_("Business"), "", "; ".join(description for _type, _name, description in starting)))
        row.action = Action.UPDATE if row.changes else Action.UNCHANGED


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
            row.add_error(Problem(plan.parsed.columns.header("village"), "", message))
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
    first_row = plan.household_rows.setdefault(target, row.number)
    changed = set()
    for attr, value in values.items():
        old = getattr(target, attr)
        if not value or old == value:
            continue
        if first_row != row.number and old:
            message = _("This family card (KK) is also in row %(row)s with another address; that row's is kept.")
            if not any(w.message == message % {"row": first_row} for w in row.warnings):
                row.add_warning(Problem("", "", message % {"row": first_row}))
            continue
        if not isinstance(target, NewHousehold) and woman is not None and target is current:
            shown = (region_names.get(old, old), region_names.get(value, value)) if attr == "village_id" else None
            row.add_change((_HOUSEHOLD_LABELS[attr](), *(shown or (old, value))))
        setattr(target, attr, value)
        changed.add(attr)
    if changed and not isinstance(target, NewHousehold):
        plan.changed_households.setdefault(target.id, set()).update(changed)
        if "kk_number" in changed:
            plan.households_by_kk[target.kk_number] = target
    if woman is not None and target is not current:
        row.add_change((_("Household"), _household_label(current, region_names), _household_label(target, {})))
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
            row.add_change((label[:1].upper() + label[1:], _choice_label(name, old), _choice_label(name, value)))
            setattr(woman, name, value)
            changed.add(name)
    if row.facilitator_id and woman.facilitator_id != row.facilitator_id:
        row.add_change((_("Facilitator"), "", row.facilitator))
        woman.facilitator_id = row.facilitator_id
        changed.add("facilitator_id")
    if not changed:
        del plan.changed_women[woman.id]
