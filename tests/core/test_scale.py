"""The load-test data generator at 1/100 of the national size: what it makes, and that a seed makes it again."""

import hashlib
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F, Sum

from beneficiaries.models import Beneficiary, Enrolment, Household
from groups.models import Group, Membership
from loans.models import Instalment, Loan, Repayment, RepaymentAllocation
from mentoring.models import FollowUp, MonitoringReport, Training, TrainingAttendance, Visit
from pekka.text import normalize_search
from tests.regions.factories import RegionFactory


def _villages():
    """A regency with two districts of six villages each: enough for 20 programmes' blocks of neighbours."""
    province = RegionFactory(code="13", name="Sumatera Barat", level=1)
    regency = RegionFactory(code="13.75", name="Kota Bukittinggi", level=2, parent=province)
    for d in (1, 2):
        district = RegionFactory(code=f"13.75.0{d}", name=f"Kecamatan {d}", level=3, parent=regency)
        for v in range(6):
            RegionFactory(code=f"13.75.0{d}.100{v}", name=f"Desa {d}{v}", level=4, parent=district)


def generate(**options):
    out = StringIO()
    options.setdefault("scale", 0.01)
    call_command("generate_scale_data", stdout=out, **options)
    return out.getvalue()


def _digest(rows) -> str:
    return hashlib.sha256(repr(sorted(rows, key=repr)).encode()).hexdigest()


def fingerprint() -> dict:
    """Row counts and a hash of each main table's content by natural keys (primary keys differ between runs)."""
    models = (Beneficiary, Household, Enrolment, Group, Membership, Visit, FollowUp, Training, TrainingAttendance)
    models += (MonitoringReport, Loan, Instalment, Repayment, RepaymentAllocation)
    nik = "beneficiary__nik"
    return {
        "counts": {model.__name__: model.objects.count() for model in models},
        "women": _digest(
            Beneficiary.objects.values_list("full_name", "nik", "birth_date", "phone", "household__kk_number")
        ),
        "groups": _digest(Membership.objects.values_list("group__name", nik, "role", "joined_on", "left_on")),
        "visits": _digest(Visit.objects.values_list("client_uuid", "visited_on", "visit_type", nik, "group__name")),
        "monitoring": _digest(MonitoringReport.objects.values_list(nik, "year", "quarter", "turnover", "flagged")),
        "instalments": _digest(
            Instalment.objects.values_list(
                "loan__beneficiary__nik", "loan__disbursed_on", "number", "due_on", "principal_paid", "completed_on"
            )
        ),
        "repayments": _digest(
            Repayment.objects.values_list("loan__beneficiary__nik", "paid_on", "amount", "receipt_no")
        ),
    }


@pytest.mark.django_db
def test_refuses_without_regions():
    with pytest.raises(CommandError, match="load_regions"):
        generate()


@pytest.fixture(scope="module")
def runs(django_db_setup, django_db_blocker):
    """Generates three times in one transaction rolled back at the end (each run costs seconds): seed 2 small,
    then seed 1 twice from the same empty state; the last run's rows stay for the module's tests."""
    with django_db_blocker.unblock(), transaction.atomic():
        _villages()
        fingerprints = {}
        for name, options in (("other", {"seed": 2, "scale": 0.0005}), ("first", {"seed": 1})):
            with transaction.atomic():
                generate(**options)
                fingerprints[name] = fingerprint()
                transaction.set_rollback(True)
        fingerprints["output"] = generate(seed=1)
        fingerprints["second"] = fingerprint()
        yield fingerprints
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_generates_a_hundredth_of_the_national_size(runs):
    counts = runs["second"]["counts"]
    assert counts["Beneficiary"] == counts["Household"] == counts["Enrolment"] == 1000
    assert get_user_model().objects.filter(role="facilitator").count() == 20
    assert 100 <= counts["Group"] <= 140
    assert 9_000 <= counts["Visit"] <= 11_000
    assert counts["Training"] == 50
    assert 3_000 <= counts["MonitoringReport"] <= 4_000
    assert counts["Loan"] == 500
    assert 4_000 <= counts["Repayment"] <= 6_500
    assert Repayment.objects.filter(reverses__isnull=False).exists()
    assert Visit.objects.filter(visit_type="group_session", meeting__attendees__isnull=False).exists()
    assert FollowUp.objects.filter(source="monitoring").exists()
    assert "Generated in" in runs["output"]


@pytest.mark.django_db
def test_the_same_seed_makes_the_same_data_and_another_seed_does_not(runs):
    assert runs["first"] == runs["second"]
    assert runs["other"]["women"] != runs["first"]["women"]


@pytest.mark.django_db
def test_instalments_agree_with_their_allocations(runs):
    allocated = {
        row["instalment"]: row["total"]
        for row in RepaymentAllocation.objects.values("instalment").annotate(
            total=Sum(F("principal") + F("interest") + F("fee") + F("penalty"))
        )
    }
    paid = Instalment.objects.annotate(
        total=F("principal_paid") + F("interest_paid") + F("fee_paid") + F("penalty_paid")
    ).values_list("pk", "total")
    assert {pk: total for pk, total in paid if total} == allocated
    # Reversed repayments and reversals are allocated nothing, as in loans.services.
    assert not RepaymentAllocation.objects.filter(repayment__reverses__isnull=False).exists()
    assert not RepaymentAllocation.objects.filter(repayment__reversal__isnull=False).exists()
    closed = Loan.objects.filter(status="closed")
    assert closed.exists()
    assert not Instalment.objects.filter(loan__in=closed, completed_on__isnull=True).exists()


@pytest.mark.django_db
def test_search_text_is_what_saving_would_write(runs):
    woman = Beneficiary.objects.exclude(nik="").exclude(phone="").select_related("household").first()
    generated = woman.search_text
    woman.save()
    assert woman.search_text == generated
    assert normalize_search(woman.full_name) in generated


@pytest.mark.django_db
def test_runs_once_per_database(runs):
    with pytest.raises(CommandError, match="already"):
        generate()
    assert "nothing to do" in generate(skip_if_generated=True)
