"""A national-size, made-up data set for load tests: programmes, staff, women in households, groups, visits,
trainings, monitoring and loans, written in large batches with the bulk writer the import uses too
(``pekka.bulk.insert``: COPY on PostgreSQL; ``bulk_create`` spends most of its time building
SQL in Python and took ~20 minutes for the full size on two cores).

Deterministic: every value comes from ``random.Random`` seeded with ``seed`` (one stream per stage) and every
date from ``until`` (the last day of the three years covered), so the same seed and ``until`` give the same rows.
Written straight to the tables: no django-simple-history rows (the records have no edit history), no
``record_visit``/``post_repayment`` calls (too slow per row). Repayments are allocated with
``loans.services.allocate_repayment``, the rule the repayment service uses, so instalments' paid columns agree with the
allocations. Timestamps (``created_at`` …) are set from the row's own date, not the clock.
"""

import datetime as dt
import functools
import json
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from beneficiaries.models import (
    Beneficiary,
    Business,
    BusinessStatus,
    BusinessStatusChange,
    BusinessType,
    Category,
    Education,
    Enrolment,
    EnrolmentStatus,
    Household,
    HouseholdMember,
    MaritalStatus,
    Relationship,
    Sex,
    search_text_of,
)
from groups.models import Group, GroupStatus, Meeting, Membership, Role
from loans.models import (
    Fund,
    Instalment,
    InterestMethod,
    Loan,
    LoanProduct,
    LoanStatus,
    Repayment,
    RepaymentAllocation,
)
from loans.services import allocate_repayment
from mentoring.models import (
    Aspect,
    FollowUp,
    FollowUpSource,
    MonitoringReport,
    Training,
    TrainingAttendance,
    TrainingTopic,
    Visit,
    VisitType,
)
from pekka import bulk
from pekka.accounts.models import Role as UserRole
from pekka.programmes.models import Programme, ProgrammeStaff
from pekka.regions.models import Region

BATCH = 5000
PROGRAMMES = 20
# Per 100,000 women, as the issue sizes a national programme.
FACILITATORS_PER_WOMAN = 300 / 100_000
WOMEN_PER_GROUP = 8
VISITS_PER_WOMAN = 10
TRAININGS_PER_WOMAN = 5_000 / 100_000
LOANS_PER_WOMAN = 50_000 / 100_000
YEARS = 3
DEFAULT_UNTIL = dt.date(2026, 11, 20)
BENCH_USERS = {
    UserRole.ADMIN: "bench-admin",
    UserRole.MANAGER: "bench-manager",
    UserRole.COORDINATOR: "bench-coordinator",
    UserRole.FACILITATOR: "bench-facilitator",
}
# Generated users other than the bench's log-ins cannot log in.
UNUSABLE_PASSWORD = "!generated"

FIRST_NAMES = (  # noqa: SIM905 - a list of words reads better as text
    "Siti Nur Sri Dewi Ani Rina Yati Wati Sumarni Suryani Lestari Aminah Fatimah Khadijah Rohani Maryam "
    "Sulastri Endang Wahyuni Rahayu Ratna Yuliani Nurhayati Kartini Murni Sumiati Ernawati Juariah "
    "Hasanah Lilis Mulyani Tuti Eka Yuni Rosmawati Asih Darmi Painem Tukiyem Wagiyem Ngatini Sukarsih"
).split()
LAST_NAMES = (  # noqa: SIM905 - a list of words reads better as text
    "Aminah Rahmawati Handayani Susanti Kurniasih Purwanti Fitriani Marlina Hartati Safitri Setiawati "
    "Lubis Siregar Nasution Harahap Simatupang Pohan Tanjung Chaniago Piliang Sikumbang Koto Jambak "
    "Wulandari Anggraini Puspita Maharani Permata Sari Utami Pratiwi Yanti Ningsih Astuti Saragih"
).split()
CHILD_NAMES = (  # noqa: SIM905 - a list of words reads better as text
    "Budi Agus Rizky Dimas Putri Ayu Indah Fajar Bayu Citra Dian Eko Fitri Gilang Hendra Intan"
).split()
PHONE_PREFIXES = ("0812", "0813", "0821", "0822", "0852", "0853", "0857", "0878", "0896")
TOPICS = [t.value for t in TrainingTopic]
ASPECTS = [a.value for a in Aspect]
INDIVIDUAL = (VisitType.HOME_VISIT, VisitType.HOME_VISIT, VisitType.PHONE_CALL, VisitType.SITE_VISIT)
# (method, annual rate %, months, grace months, admin fee): a fund's products.
PRODUCTS = (
    (InterestMethod.ANNUITY, Decimal("12"), 24, 0, Decimal(0)),
    (InterestMethod.FLAT, Decimal("18"), 18, 1, Decimal(0)),
    (InterestMethod.INTEREST_FREE, Decimal(0), 6, 0, Decimal(25_000)),
)


@dataclass(frozen=True)
class Sizes:
    """How many of each record to make for ``beneficiaries`` women."""

    beneficiaries: int

    @property
    def facilitators(self) -> int:
        return max(PROGRAMMES, round(self.beneficiaries * FACILITATORS_PER_WOMAN))

    @property
    def trainings(self) -> int:
        return max(2, round(self.beneficiaries * TRAININGS_PER_WOMAN))

    @property
    def loans(self) -> int:
        return round(self.beneficiaries * LOANS_PER_WOMAN)


@dataclass
class _Woman:
    pk: int
    programme: int  # index into the programmes
    facilitator_id: int
    village: str
    enrolled_on: dt.date
    status: str
    business_id: int | None
    business_type_id: int | None
    group_id: int | None = None


class ScaleDataError(ImproperlyConfigured):
    """The database is not ready for generated data (no regions, or data already generated)."""


@functools.cache
def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@functools.cache
def _defaults(model) -> tuple[dict, dict]:
    """A model's field defaults by attname, and its relation fields by name."""
    defaults = {f.attname: f.get_default() for f in model._meta.concrete_fields}
    relations = {f.name: f for f in model._meta.concrete_fields if f.is_relation}
    return defaults, relations


def _new(model, **values):
    """An unsaved instance without ``Model.__init__`` (a tenth of the cost, for millions of rows): values by
    attname, or a related instance by field name (it may get its primary key later, see ``write``)."""
    defaults, relations = _defaults(model)
    obj = model.__new__(model)
    obj._state = ModelState()
    state = obj.__dict__
    state.update(defaults)
    for name, value in values.items():
        field = relations.get(name)
        if field is None:
            state[name] = value
        else:
            obj._state.fields_cache[name] = value
            state[field.attname] = value.pk if value is not None else None
    return obj


def _converter(field):
    """How a value goes into bulk.insert: JSON as text, UUIDs as hex (what both databases accept), else as is."""
    if isinstance(field, models.JSONField):
        return json.dumps
    if isinstance(field, models.UUIDField):
        return _uuid_hex
    return None


def _uuid_hex(value) -> str | None:
    """A UUID as hex; None stays None (a repayment not typed on its own form keeps no form key)."""
    return value.hex if value is not None else None


def write(model, objects: list) -> list:
    """Inserts unsaved instances (COPY on PostgreSQL, executemany on SQLite; no save(), no signals, no SQL
    compiler: the generator writes millions of rows) and gives them their primary keys. Foreign keys may point
    at instances written earlier in the run."""
    if not objects:
        return objects
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    relations = [f for f in fields if f.is_relation]
    columns = [f.attname for f in fields]
    converters = [(index, convert) for index, f in enumerate(fields) if (convert := _converter(f))]
    rows = []
    for obj in objects:
        values = obj.__dict__
        for field in relations:
            if values[field.attname] is None and (related := field.get_cached_value(obj, None)) is not None:
                values[field.attname] = related.pk
        row = [values[name] for name in columns]
        for index, convert in converters:
            row[index] = convert(row[index])
        rows.append(row)
    for obj, pk in zip(objects, bulk.insert(model, columns, rows), strict=True):
        obj.pk = pk
        obj._state.adding = False
    return objects


class Generator:
    """Builds the whole data set; ``run()`` returns the row count per table."""

    def __init__(
        self,
        *,
        beneficiaries: int,
        seed: int = 1,
        until: dt.date = DEFAULT_UNTIL,
        bench_password: str = "",
        log: Callable[[str], None] = lambda message: None,
    ):
        self.sizes = Sizes(beneficiaries)
        self.seed = seed
        self.until = until
        self.start = until - dt.timedelta(days=365 * YEARS)
        self.bench_password = bench_password
        self.log = log
        self.counts: dict[str, int] = defaultdict(int)

    def rng(self, stage: str) -> random.Random:
        return random.Random(f"{self.seed}:{stage}")

    def day_between(self, rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))

    def add(self, model, objects: list) -> list:
        written = write(model, objects)
        self.counts[model._meta.label] += len(objects)
        return written

    def run(self) -> dict[str, int]:
        villages = list(Region.objects.filter(level=4).order_by("code").values_list("code", flat=True))
        if not villages:
            raise ScaleDataError("No villages in the region table: run `python manage.py load_regions` first.")
        if get_user_model().objects.filter(username=BENCH_USERS[UserRole.ADMIN]).exists():
            raise ScaleDataError("Generated data is already here (user bench-admin exists); use a fresh database.")
        self.types = list(BusinessType.objects.filter(is_active=True).order_by("position", "pk"))
        steps = [
            ("staff and programmes", lambda: self.make_programmes(villages)),
            ("women, households and businesses", self.make_women),
            ("groups", self.make_groups),
            ("visits and follow-ups", self.make_visits),
            ("trainings", self.make_trainings),
            ("monitoring", self.make_monitoring),
            ("loans and repayments", self.make_loans),
        ]
        for label, step in steps:
            started = time.monotonic()
            with transaction.atomic():
                step()
            self.log(f"{label}: {time.monotonic() - started:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return dict(self.counts)

    # --- staff and programmes ---

    def _user(self, username: str, role: str, first_name: str, *, password: str = UNUSABLE_PASSWORD):
        return get_user_model()(
            username=username,
            role=role,
            first_name=first_name,
            last_name="",
            password=password,
            is_staff=role == UserRole.ADMIN,
            is_superuser=role == UserRole.ADMIN,
            date_joined=_aware(self.start),
        )

    def make_programmes(self, villages: list[str]) -> None:
        rng = self.rng("programmes")
        bench_hash = make_password(self.bench_password) if self.bench_password else UNUSABLE_PASSWORD
        programmes = [
            Programme(
                name=f"Program Skala {n:02d}",
                short_name=f"SKALA {n:02d}",
                slug=f"skala-{n:02d}",
                category=Category.KPM if n % 4 == 0 else Category.PEKKA,
                funder=rng.choice(["Kemensos", "BUMN", "Yayasan PEKKA", "Pemda"]),
                start_date=self.start - dt.timedelta(days=rng.randint(0, 90)),
                created_at=_aware(self.start),
            )
            for n in range(1, PROGRAMMES + 1)
        ]
        self.programmes = self.add(Programme, programmes)
        # A block of neighbouring villages (consecutive codes) per programme; its regencies are the working areas.
        block = max(1, min(len(villages), 40))
        self.villages = []
        areas = []
        for programme in self.programmes:
            first = rng.randrange(len(villages))
            chosen = [villages[(first + k) % len(villages)] for k in range(block)]
            self.villages.append(chosen)
            for regency in sorted({code.rsplit(".", 2)[0] for code in chosen}):
                areas.append(Programme.areas.through(programme=programme, region_id=regency))
        areas_present = set(Region.objects.filter(pk__in=[a.region_id for a in areas]).values_list("pk", flat=True))
        self.add(Programme.areas.through, [a for a in areas if a.region_id in areas_present])

        users = [
            self._user(BENCH_USERS[UserRole.ADMIN], UserRole.ADMIN, "Admin Bench", password=bench_hash),
            self._user(BENCH_USERS[UserRole.MANAGER], UserRole.MANAGER, "Manajer Bench", password=bench_hash),
            self._user(
                BENCH_USERS[UserRole.COORDINATOR], UserRole.COORDINATOR, "Koordinator Bench", password=bench_hash
            ),
        ]
        for n in range(1, PROGRAMMES + 1):
            users.append(self._user(f"scale-manager-{n:02d}", UserRole.MANAGER, f"Manajer {n:02d}"))
            users.append(self._user(f"scale-coordinator-{n:02d}", UserRole.COORDINATOR, f"Koordinator {n:02d}"))
        for n in range(self.sizes.facilitators):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if n == 0:
                users.append(
                    self._user(BENCH_USERS[UserRole.FACILITATOR], UserRole.FACILITATOR, name, password=bench_hash)
                )
            else:
                users.append(self._user(f"scale-fac-{n:04d}", UserRole.FACILITATOR, name))
        users = self.add(get_user_model(), users)
        admin, bench_manager, bench_coordinator = users[:3]
        staff = users[3 : 3 + 2 * PROGRAMMES]
        self.admin = admin
        self.managers = staff[0::2]
        self.coordinators = staff[1::2]
        facilitators = users[3 + 2 * PROGRAMMES :]
        # Facilitator n works in programme n mod 20: the bench's facilitator in the first programme.
        self.facilitators = [[] for _ in self.programmes]
        for n, user in enumerate(facilitators):
            self.facilitators[n % len(self.programmes)].append(user)
        assignments = []
        for index, programme in enumerate(self.programmes):
            on = programme.start_date
            people = [self.managers[index], self.coordinators[index], *self.facilitators[index]]
            if index < 2:  # the bench's manager runs two programmes, its coordinator the first
                people.append(bench_manager)
            if index == 0:
                people.append(bench_coordinator)
            assignments += [ProgrammeStaff(programme=programme, user=user, assigned_on=on) for user in people]
        self.add(ProgrammeStaff, assignments)
        funds = self.add(
            Fund,
            [
                Fund(
                    name=f"Dana bergulir {p.short_name}",
                    funder=p.funder,
                    programme=p,
                    capital=Decimal(5_000_000) * max(10, self.sizes.loans // PROGRAMMES),
                    created_at=_aware(p.start_date),
                )
                for p in self.programmes
            ],
        )
        products = []
        for fund in funds:
            for method, rate, months, grace, fee in PRODUCTS:
                products.append(
                    LoanProduct(
                        fund=fund,
                        name=f"{InterestMethod(method).label} {months} bln",
                        method=method,
                        annual_rate=rate,
                        term_months=months,
                        grace_months=grace,
                        admin_fee=fee,
                        repayment_day=5 + len(products) % 20,
                        tolerance_days=3,
                    )
                )
        products = self.add(LoanProduct, products)
        self.products = [products[i : i + len(PRODUCTS)] for i in range(0, len(products), len(PRODUCTS))]

    # --- women ---

    def make_women(self) -> None:
        rng = self.rng("women")
        n = self.sizes.beneficiaries
        niks, kks = set(), set()
        self.women: list[_Woman] = []
        for first in range(0, n, BATCH):
            count = min(BATCH, n - first)
            plans, households = [], []
            for i in range(first, first + count):
                p = i % len(self.programmes)
                village = rng.choice(self.villages[p])
                district = village.replace(".", "")[:6]
                birth = dt.date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
                nik = ""
                if rng.random() > 0.05:
                    serial = rng.randint(1, 9999)
                    nik = f"{district}{birth.day + 40:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"
                    while nik in niks:
                        serial = serial % 9999 + 1
                        nik = nik[:12] + f"{serial:04d}"
                    niks.add(nik)
                kk = ""
                if rng.random() > 0.1:
                    kk = f"{district}{rng.randint(0, 9_999_999_999):010d}"
                    while kk in kks:
                        kk = f"{district}{rng.randint(0, 9_999_999_999):010d}"
                    kks.add(kk)
                enrolled = self.day_between(rng, self.start, self.until - dt.timedelta(days=60))
                plans.append((i, p, village, birth, nik, kk, enrolled))
                households.append(
                    _new(
                        Household,
                        kk_number=kk,
                        village_id=village,
                        rt=f"{rng.randint(1, 12):03d}",
                        rw=f"{rng.randint(1, 6):03d}",
                        address=f"Dusun {rng.choice(CHILD_NAMES)}",
                        created_at=_aware(enrolled),
                        updated_at=_aware(enrolled),
                    )
                )
            households = self.add(Household, households)
            women, members = [], []
            for (i, p, _village, birth, nik, kk, enrolled), household in zip(plans, households, strict=True):
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                phone = (
                    f"{rng.choice(PHONE_PREFIXES)}{rng.randint(1_000_000, 99_999_999)}" if rng.random() < 0.7 else ""
                )
                facilitators = self.facilitators[p]
                facilitator = facilitators[i // len(self.programmes) % len(facilitators)]
                women.append(
                    _new(
                        Beneficiary,
                        nik=nik,
                        full_name=name,
                        birth_place=rng.choice(["Bukittinggi", "Boyolali", "Padang", "Cianjur", "Lombok", "Kupang"]),
                        birth_date=birth,
                        sex=Sex.FEMALE,
                        marital_status=rng.choice(
                            [MaritalStatus.WIDOWED, MaritalStatus.DIVORCED, MaritalStatus.HUSBAND_AWAY]
                        ),
                        education=rng.choice([Education.SD, Education.SD_INCOMPLETE, Education.SMP, Education.SMA]),
                        phone=phone,
                        category=self.programmes[p].category,
                        household=household,
                        facilitator=facilitator,
                        consent_date=enrolled,
                        search_text=search_text_of(full_name=name, nik=nik, kk_number=kk, phone=phone),
                        created_at=_aware(enrolled),
                        updated_at=_aware(enrolled),
                    )
                )
                members.append(
                    _new(
                        HouseholdMember,
                        household=household,
                        name=name,
                        relationship=Relationship.HEAD,
                        sex=Sex.FEMALE,
                        birth_date=birth,
                        activity="working",
                    )
                )
                for _child in range(rng.choice((0, 1, 1, 2, 2, 3))):
                    members.append(
                        _new(
                            HouseholdMember,
                            household=household,
                            name=f"{rng.choice(CHILD_NAMES)} {name.split()[-1]}",
                            relationship=Relationship.CHILD,
                            sex=rng.choice([Sex.FEMALE, Sex.MALE]),
                            birth_year=rng.randint(max(birth.year + 16, 1980), 2022),
                            activity=rng.choice(["in_school", "working", "household", "under_school_age"]),
                        )
                    )
            women = self.add(Beneficiary, women)
            self.add(HouseholdMember, members)
            enrolments, businesses = [], []
            for (_i, p, village, _birth, _nik, _kk, enrolled), woman in zip(plans, women, strict=True):
                roll = rng.random()
                status, since, reason = EnrolmentStatus.ACTIVE, enrolled + dt.timedelta(days=30), ""
                if roll < 0.05:
                    status, since = EnrolmentStatus.CANDIDATE, enrolled
                elif roll < 0.10:
                    status = EnrolmentStatus.VERIFIED
                elif roll < 0.18:
                    status, since = EnrolmentStatus.GRADUATED, self.day_between(rng, since, self.until)
                elif roll < 0.25:
                    status, since = EnrolmentStatus.DROPPED_OUT, self.day_between(rng, since, self.until)
                    reason = rng.choice(["Pindah ke kota lain", "Bekerja di luar negeri", "Sakit"])
                enrolments.append(
                    _new(
                        Enrolment,
                        beneficiary=woman,
                        programme=self.programmes[p],
                        enrolled_on=enrolled,
                        status=status,
                        status_changed_on=min(since, self.until),
                        status_reason=reason,
                    )
                )
                business_type = rng.choice(self.types)
                business_status = BusinessStatus.RUNNING
                if rng.random() < 0.08:
                    business_status = rng.choice([BusinessStatus.PAUSED, BusinessStatus.STOPPED])
                businesses.append(
                    _new(
                        Business,
                        beneficiary=woman,
                        business_type=business_type,
                        name=f"Usaha {woman.full_name.split()[0]}",
                        started_on=enrolled - dt.timedelta(days=rng.randint(0, 2000)),
                        status=business_status,
                        created_at=_aware(enrolled),
                    )
                )
                self.women.append(
                    _Woman(woman.pk, p, woman.facilitator_id, village, enrolled, status, None, business_type.pk)
                )
            self.add(Enrolment, enrolments)
            businesses = self.add(Business, businesses)
            changes = []
            for business, plan in zip(businesses, self.women[first : first + count], strict=True):
                plan.business_id = business.pk
                if business.status != BusinessStatus.RUNNING:
                    changes.append(
                        _new(
                            BusinessStatusChange,
                            business=business,
                            status=business.status,
                            changed_on=self.day_between(rng, plan.enrolled_on, self.until),
                            reason=rng.choice(["Modal habis", "Sakit", "Musim hujan", "Pindah"]),
                            recorded_by_id=plan.facilitator_id,
                            recorded_at=_aware(self.until),
                        )
                    )
            self.add(BusinessStatusChange, changes)

    # --- groups ---

    def make_groups(self) -> None:
        rng = self.rng("groups")
        by_facilitator = defaultdict(list)
        for woman in self.women:
            by_facilitator[woman.facilitator_id].append(woman)
        groups, rosters = [], []
        for facilitator_id in sorted(by_facilitator):
            women = by_facilitator[facilitator_id]
            # Eight in ten women are in a group of about ten, with neighbours of the same facilitator.
            members = [w for w in women if rng.random() < 0.8]
            members.sort(key=lambda w: (w.village, w.pk))
            for start in range(0, len(members), WOMEN_PER_GROUP):
                roster = members[start : start + WOMEN_PER_GROUP]
                if len(roster) < 3:
                    continue
                first = roster[0]
                programme = self.programmes[first.programme]
                business_type = rng.choice(self.types)
                formed = min(w.enrolled_on for w in roster) + dt.timedelta(days=rng.randint(10, 60))
                formed = min(formed, self.until)
                name = f"KUB {business_type.name.split(' ')[0]} {len(groups) + 1:05d}"
                dissolved = rng.random() < 0.03
                groups.append(
                    _new(
                        Group,
                        name=name,
                        programme=programme,
                        business_type=business_type,
                        village_id=first.village,
                        formed_on=formed,
                        status=GroupStatus.DISSOLVED if dissolved else GroupStatus.ACTIVE,
                        status_changed_on=formed,
                        status_reason="Anggota pindah" if dissolved else "",
                        created_at=_aware(formed),
                        updated_at=_aware(formed),
                    )
                )
                rosters.append((facilitator_id, roster, formed))
        self.groups = self.add(Group, groups)
        links, memberships = [], []
        self.group_members: dict[int, list[_Woman]] = {}
        self.group_facilitator: dict[int, int] = {}
        for group, (facilitator_id, roster, formed) in zip(self.groups, rosters, strict=True):
            links.append(_new(Group.facilitators.through, group=group, user_id=facilitator_id))
            self.group_members[group.pk] = roster
            self.group_facilitator[group.pk] = facilitator_id
            for position, woman in enumerate(roster):
                role = (Role.CHAIR, Role.SECRETARY, Role.TREASURER)[position] if position < 3 else Role.MEMBER
                joined = max(formed, woman.enrolled_on)
                left = None
                if role == Role.MEMBER and rng.random() < 0.05:
                    left = self.day_between(rng, joined, self.until)
                else:
                    woman.group_id = group.pk
                memberships.append(
                    _new(
                        Membership,
                        group=group,
                        beneficiary_id=woman.pk,
                        role=role,
                        joined_on=joined,
                        left_on=left,
                        leaving_reason="Pindah" if left else "",
                        recorded_by_id=facilitator_id,
                        created_at=_aware(joined),
                    )
                )
        self.add(Group.facilitators.through, links)
        self.add(Membership, memberships)

    # --- visits ---

    def make_visits(self) -> None:
        rng = self.rng("visits")
        interval = VISITS_PER_WOMAN
        pending_visits, pending_followups = [], []
        meetings, attendance = [], []

        def flush():
            if meetings:
                self.add(Meeting, meetings)
                self.add(Meeting.attendees.through, attendance)
            self.add(Visit, pending_visits)
            self.add(FollowUp, pending_followups)
            for pending in (pending_visits, pending_followups, meetings, attendance):
                pending.clear()

        def new_visit(day, facilitator_id, programme, **subject) -> Visit:
            return _new(
                Visit,
                client_uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                visited_on=day,
                programme=programme,
                author_id=facilitator_id,
                aspects=rng.sample(ASPECTS, rng.randint(1, 3)),
                notes=rng.choice(["", "Usaha berjalan baik.", "Perlu bantuan pemasaran.", "Stok bahan menipis."]),
                created_at=_aware(day, 16),
                updated_at=_aware(day, 16),
                **subject,
            )

        def follow_up(visit: Visit, facilitator_id: int, day: dt.date, **subject):
            due = day + dt.timedelta(days=rng.randint(3, 21))
            done = due + dt.timedelta(days=rng.randint(-3, 10)) if due < self.until - dt.timedelta(days=14) else None
            if done is not None and (done > self.until or rng.random() < 0.1):
                done = None
            description = rng.choice(["Bantu urus NIB", "Antar ke pelatihan kemasan", "Cek pembukuan", "Foto produk"])
            pending_followups.append(
                _new(
                    FollowUp,
                    visit=visit,
                    description=description,
                    due_on=due,
                    owner_id=facilitator_id,
                    source=FollowUpSource.VISIT,
                    done_on=done,
                    done_by_id=facilitator_id if done else None,
                    created_at=_aware(day, 16),
                    **subject,
                )
            )

        for woman in self.women:
            programme = self.programmes[woman.programme]
            days = sorted(
                self.day_between(rng, woman.enrolled_on, self.until) for _ in range(rng.randint(5, 2 * interval - 5))
            )
            for k, day in enumerate(days):
                visit = new_visit(
                    day,
                    woman.facilitator_id,
                    programme,
                    visit_type=rng.choice(INDIVIDUAL),
                    beneficiary_id=woman.pk,
                    business_id=woman.business_id,
                    business_status=BusinessStatus.RUNNING,
                )
                if k == len(days) - 1:
                    visit.next_visit_on = day + dt.timedelta(days=rng.randint(14, 45))
                pending_visits.append(visit)
                if rng.random() < 0.2:
                    follow_up(visit, woman.facilitator_id, day, beneficiary_id=woman.pk)
            if len(pending_visits) >= 4 * BATCH:
                flush()
        for group in self.groups:
            facilitator_id = self.group_facilitator[group.pk]
            roster = self.group_members[group.pk]
            days = sorted(self.day_between(rng, group.formed_on, self.until) for _ in range(rng.randint(2, 8)))
            for k, day in enumerate(days):
                meeting = _new(
                    Meeting,
                    group=group,
                    held_on=day,
                    place=f"Rumah {rng.choice(FIRST_NAMES)}",
                    topic=rng.choice(["Pembukuan kelompok", "Harga bersama", "Simpan pinjam", "Pemasaran"]),
                    recorded_by_id=facilitator_id,
                    created_at=_aware(day, 16),
                )
                meetings.append(meeting)
                present = [w.pk for w in roster if rng.random() < 0.8]
                attendance.extend(_new(Meeting.attendees.through, meeting=meeting, beneficiary_id=pk) for pk in present)
                visit = new_visit(day, facilitator_id, group.programme, visit_type=VisitType.GROUP_SESSION, group=group)
                visit.meeting = meeting
                if k == len(days) - 1:
                    visit.next_visit_on = day + dt.timedelta(days=rng.randint(14, 45))
                pending_visits.append(visit)
                if rng.random() < 0.1:
                    follow_up(visit, facilitator_id, day, group=group)
            if len(pending_visits) >= 4 * BATCH:
                flush()
        flush()

    # --- trainings and monitoring ---

    def make_trainings(self) -> None:
        rng = self.rng("trainings")
        by_programme = defaultdict(list)
        for woman in self.women:
            by_programme[woman.programme].append(woman)
        trainings, rosters = [], []
        for n in range(self.sizes.trainings):
            p = n % len(self.programmes)
            starts = self.day_between(rng, self.start, self.until - dt.timedelta(days=3))
            topic = rng.choice(TOPICS)
            trainings.append(
                _new(
                    Training,
                    programme=self.programmes[p],
                    topic=topic,
                    title=f"{TrainingTopic(topic).label} {n + 1}",
                    starts_on=starts,
                    ends_on=starts + dt.timedelta(days=rng.randint(0, 2)),
                    place="Balai desa",
                    trainer=rng.choice(["Dinas Koperasi", "PLUT", "Yayasan PEKKA"]),
                    created_by=self.coordinators[p],
                    created_at=_aware(starts),
                )
            )
            candidates = [w for w in by_programme[p] if w.enrolled_on <= starts]
            rosters.append(rng.sample(candidates, min(len(candidates), rng.randint(10, 30))))
        trainings = self.add(Training, trainings)
        attendance = [
            _new(
                TrainingAttendance,
                training=training,
                beneficiary_id=woman.pk,
                recorded_by=training.created_by,
                recorded_at=_aware(training.starts_on, 17),
            )
            for training, roster in zip(trainings, rosters, strict=True)
            for woman in roster
        ]
        self.add(TrainingAttendance, attendance)

    def quarters(self) -> list[tuple[int, int, dt.date]]:
        """The last four whole quarters before ``until``: (year, quarter, its last day)."""
        year, quarter = self.until.year, (self.until.month - 1) // 3 + 1
        result = []
        for _ in range(4):
            quarter -= 1
            if quarter == 0:
                year, quarter = year - 1, 4
            last_month = quarter * 3
            last_day = (dt.date(year + last_month // 12, last_month % 12 + 1, 1)) - dt.timedelta(days=1)
            result.append((year, quarter, last_day))
        return result[::-1]

    def make_monitoring(self) -> None:
        rng = self.rng("monitoring")
        quarters = self.quarters()
        reports, flagged = [], []
        for woman in self.women:
            turnover = Decimal(rng.randrange(300_000, 8_000_000, 50_000))
            assets = Decimal(rng.randrange(500_000, 20_000_000, 100_000))
            workers = rng.choice((0, 0, 1, 1, 2, 3))
            for year, quarter, last_day in quarters:
                if last_day < woman.enrolled_on:
                    continue
                change = Decimal(rng.choice((-30, -10, -5, 0, 5, 10, 15, 25)))
                previous = turnover
                turnover = max(Decimal(0), (turnover * (100 + change) / 100).quantize(Decimal(1000)))
                declined = previous and turnover < previous * Decimal("0.8")
                report = _new(
                    MonitoringReport,
                    beneficiary_id=woman.pk,
                    business_id=woman.business_id,
                    programme=self.programmes[woman.programme],
                    year=year,
                    quarter=quarter,
                    assets=assets,
                    turnover=turnover,
                    workers=workers,
                    flagged=bool(declined),
                    flag_reason="Omset turun lebih dari 20%" if declined else "",
                    recorded_by_id=woman.facilitator_id,
                    created_at=_aware(last_day + dt.timedelta(days=10)),
                    updated_at=_aware(last_day + dt.timedelta(days=10)),
                )
                reports.append(report)
                if declined:
                    flagged.append((report, woman, last_day))
            if len(reports) >= 4 * BATCH:
                self._flush_monitoring(reports, flagged, rng)
        self._flush_monitoring(reports, flagged, rng)

    def _flush_monitoring(self, reports: list, flagged: list, rng: random.Random) -> None:
        self.add(MonitoringReport, reports)
        follow_ups = []
        for report, woman, last_day in flagged:
            due = last_day + dt.timedelta(days=24)
            done = due if due < self.until - dt.timedelta(days=30) and rng.random() < 0.7 else None
            follow_ups.append(
                _new(
                    FollowUp,
                    monitoring_report=report,
                    beneficiary_id=woman.pk,
                    description="Kunjungi: omset turun",
                    due_on=due,
                    owner_id=woman.facilitator_id,
                    source=FollowUpSource.MONITORING,
                    done_on=done,
                    done_by_id=woman.facilitator_id if done else None,
                    created_at=_aware(last_day + dt.timedelta(days=10)),
                )
            )
        self.add(FollowUp, follow_ups)
        reports.clear()
        flagged.clear()

    # --- loans ---

    def make_loans(self) -> None:
        rng = self.rng("loans")
        borrowers = [w for w in self.women if w.status != EnrolmentStatus.CANDIDATE]
        total = min(self.sizes.loans, len(borrowers) * 2)
        for first in range(0, total, BATCH // 2):
            self._loan_batch(rng, borrowers, min(BATCH // 2, total - first))

    def _loan_batch(self, rng: random.Random, borrowers: list[_Woman], count: int) -> None:
        loans, schedules, payments = [], [], []
        for _ in range(count):
            woman = rng.choice(borrowers)
            product = rng.choice(self.products[woman.programme])
            disbursed = self.day_between(
                rng, max(woman.enrolled_on, self.start + dt.timedelta(days=60)), self.until - dt.timedelta(days=20)
            )
            principal = Decimal(rng.randrange(500_000, 5_000_001, 250_000))
            loan = Loan(
                beneficiary_id=woman.pk,
                group_id=woman.group_id,
                product=product,
                business_type_id=woman.business_type_id,
                principal=principal,
                disbursed_on=disbursed,
                created_by_id=self.coordinators[woman.programme].pk,
                created_at=_aware(disbursed),
            )
            lines = product.schedule_for(principal=principal, disbursed_on=disbursed)
            instalments = [
                _new(
                    Instalment,
                    loan=loan,
                    number=line.number,
                    due_on=line.due_on,
                    principal_due=line.principal,
                    interest_due=line.interest,
                    fee_due=line.fee,
                )
                for line in lines
            ]
            loans.append(loan)
            schedules.append(instalments)
            payments.append(self._repayments(rng, loan, instalments, woman))
        # Allocate in memory (the repayment service's rule, in date order as it replays them), then write every
        # row once with its final values: loan status, instalments' paid parts, allocations.
        allocations = []
        for loan, rows, instalments in zip(loans, payments, schedules, strict=True):
            standing = [r for r in rows if r.reverses is None and not getattr(r, "_reversed", False)]
            for repayment in sorted(standing, key=lambda r: r.paid_on):
                allocations.extend(allocate_repayment(repayment, instalments))
            if all(i.remaining == 0 for i in instalments):
                loan.status, loan.closed_on = LoanStatus.CLOSED, max(i.completed_on for i in instalments)
            elif loan.write_off_reason:
                loan.status = LoanStatus.WRITTEN_OFF
        self.add(Loan, loans)
        self.add(Instalment, [i for schedule in schedules for i in schedule])
        self.add(Repayment, [r for rows in payments for r in rows if r.reverses is None])
        self.add(Repayment, [r for rows in payments for r in rows if r.reverses is not None])
        self.add(RepaymentAllocation, allocations)

    def _repayments(self, rng: random.Random, loan: Loan, instalments: list[Instalment], woman: _Woman) -> list:
        """What she paid: most pay each instalment on time, some late, some stop paying; a few entries are
        reversed (a typing mistake) and entered again."""
        profile = rng.random()
        stops_after = len(instalments)
        if profile > 0.9:
            stops_after = rng.randint(0, len(instalments) - 1)
        rows = []
        recorder = woman.facilitator_id
        for number, instalment in enumerate(instalments):
            if number >= stops_after:
                break
            late = rng.randint(0, 3) if profile < 0.7 else rng.randint(5, 60)
            paid_on = instalment.due_on + dt.timedelta(days=late)
            if paid_on > self.until:
                break
            amount = instalment.principal_due + instalment.interest_due + instalment.fee_due
            if rng.random() < 0.4 and paid_on - dt.timedelta(days=7) >= loan.disbursed_on:
                # Paid in two halves, at two group meetings a week apart.
                half = (amount / 2).quantize(Decimal(1))
                rows.append(
                    _new(
                        Repayment,
                        loan=loan,
                        paid_on=paid_on - dt.timedelta(days=7),
                        amount=half,
                        receipt_no=f"K{rng.randint(100000, 999999)}",
                        recorded_by_id=recorder,
                        recorded_at=_aware(paid_on - dt.timedelta(days=7), 15),
                    )
                )
                amount -= half
            repayment = _new(
                Repayment,
                loan=loan,
                paid_on=paid_on,
                amount=amount,
                receipt_no=f"K{rng.randint(100000, 999999)}",
                recorded_by_id=recorder,
                recorded_at=_aware(paid_on, 15),
            )
            rows.append(repayment)
            if rng.random() < 0.01:
                repayment._reversed = True
                rows.append(
                    _new(
                        Repayment,
                        loan=loan,
                        paid_on=paid_on,
                        amount=-amount,
                        receipt_no=repayment.receipt_no,
                        recorded_by_id=recorder,
                        recorded_at=_aware(paid_on, 16),
                        reverses=repayment,
                        reversal_reason="Salah input nominal",
                    )
                )
                rows.append(
                    _new(
                        Repayment,
                        loan=loan,
                        paid_on=paid_on,
                        amount=amount,
                        receipt_no=repayment.receipt_no,
                        recorded_by_id=recorder,
                        recorded_at=_aware(paid_on, 17),
                    )
                )
        old_enough = instalments[-1].due_on < self.until - dt.timedelta(days=180)
        if stops_after < len(instalments) and old_enough and rng.random() < 0.5:
            loan.write_off_reason = "Peminjam tidak dapat membayar (usaha berhenti)"
            loan.written_off_on = instalments[-1].due_on + dt.timedelta(days=90)
            loan.written_off_by_id = self.coordinators[woman.programme].pk
        return rows


def generate(**kwargs) -> dict[str, int]:
    """Builds the data set (see ``Generator``); returns the row count per table."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Losing the last moments of a crash is fine for generated data; the commits get much cheaper.
            cursor.execute("SET synchronous_commit = off")
    return Generator(**kwargs).run()
