"""Money is posted once (issue 15): a repayment form, a collection sheet or a disbursement form sent twice (a double
tap, a phone retrying on a slow line) records once; its key sent with other values is refused. Maker-checker: the
person who wrote a proposal never decides it. Rupiah fields refuse nan, infinity, exponents and negatives."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from loans.models import CollectionSheet, Loan, Proposal, ProposalStatus, Repayment
from loans.services import (
    LineRequest,
    create_proposal,
    decide_proposal,
    disburse_proposal,
    post_collection_sheet,
    post_repayment,
    submit_proposal,
)
from pekka.accounts.models import Role
from tests.accounts.factories import UserFactory
from tests.loans.factories import balance

pytestmark = pytest.mark.django_db

FEB_5 = dt.date(2026, 2, 5)
USED_WITH_OTHER_VALUES = "Formulir ini sudah dikirim dengan isi yang berbeda"


# --- repayments -------------------------------------------------------------------------------------------------


def test_the_same_repayment_key_twice_records_one_repayment(loan, facilitator):
    key = uuid.uuid4()
    first = post_repayment(loan=loan, amount=110_000, paid_on=FEB_5, recorded_by=facilitator, client_uuid=key)
    again = post_repayment(loan=loan, amount="110.000", paid_on=FEB_5, recorded_by=facilitator, client_uuid=key)
    assert again.pk == first.pk and first.client_uuid == key
    assert Repayment.objects.count() == 1
    assert balance(loan) == 990_000


def test_the_same_repayment_key_with_another_amount_is_refused(loan, facilitator):
    key = uuid.uuid4()
    post_repayment(loan=loan, amount=110_000, paid_on=FEB_5, recorded_by=facilitator, client_uuid=key)
    with translation.override("id"), pytest.raises(ValidationError, match=USED_WITH_OTHER_VALUES):
        post_repayment(loan=loan, amount=220_000, paid_on=FEB_5, recorded_by=facilitator, client_uuid=key)
    assert [r.amount for r in Repayment.objects.all()] == [110_000]
    assert balance(loan) == 990_000


def test_a_repeated_key_that_repaid_the_loan_still_returns_the_first_repayment(loan, facilitator):
    key = uuid.uuid4()
    first = post_repayment(loan=loan, amount=1_100_000, paid_on=FEB_5, recorded_by=facilitator, client_uuid=key)
    loan.refresh_from_db()
    assert loan.status == "closed"
    again = post_repayment(loan=loan, amount=1_100_000, paid_on=FEB_5, recorded_by=facilitator, client_uuid=key)
    assert again.pk == first.pk and Repayment.objects.count() == 1


def test_the_database_keeps_a_repayment_key_unique(loan, manager):
    key = uuid.uuid4()
    post_repayment(loan=loan, amount=110_000, paid_on=FEB_5, recorded_by=manager, client_uuid=key)
    with pytest.raises(IntegrityError), transaction.atomic():
        Repayment.objects.create(loan=loan, paid_on=FEB_5, amount=110_000, recorded_by=manager, client_uuid=key)


def repayment_form(loan, **values):
    return {"amount": "110.000", "paid_on": "2026-02-05", "receipt_no": "K-17", **values}


def test_the_repayment_page_makes_a_key_with_the_form(login, facilitator, loan):
    page = login(facilitator).get(reverse("loans:repayment_create", args=[loan.pk]))
    key = page.context["form"]["client_uuid"].value()
    assert f'name="client_uuid" value="{key}"' in page.content.decode()
    assert (
        login(facilitator).get(reverse("loans:repayment_create", args=[loan.pk])).context["form"]["client_uuid"].value()
        != key
    )


def test_the_repayment_form_posted_twice_records_once(login, facilitator, loan):
    client, url = login(facilitator), reverse("loans:repayment_create", args=[loan.pk])
    data = repayment_form(loan, client_uuid=uuid.uuid4())
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == reverse("loans:detail", args=[loan.pk])
    assert Repayment.objects.count() == 1
    assert balance(loan) == 990_000


def test_the_repayment_form_key_sent_with_another_amount_is_refused_with_a_message(login, facilitator, loan):
    client, url, key = login(facilitator), reverse("loans:repayment_create", args=[loan.pk]), uuid.uuid4()
    client.post(url, repayment_form(loan, client_uuid=key))
    response = client.post(url, repayment_form(loan, client_uuid=key, amount="220.000"))
    assert response.status_code == 200
    assert USED_WITH_OTHER_VALUES in response.content.decode()
    assert [r.amount for r in Repayment.objects.all()] == [110_000]


def test_a_repayment_form_without_its_key_saves_nothing(login, facilitator, loan):
    response = login(facilitator).post(reverse("loans:repayment_create", args=[loan.pk]), repayment_form(loan))
    assert response.status_code == 200
    assert "Formulir ini sudah kedaluwarsa" in response.content.decode()
    assert not Repayment.objects.exists()


# --- collection sheets ------------------------------------------------------------------------------------------


def test_the_same_sheet_twice_is_counted_once(group, group_loans, facilitator):
    siti, ros = group_loans
    key, payments = uuid.uuid4(), [(siti, 110_000, "A1"), (ros, "220.000", "A2")]
    first = post_collection_sheet(
        group=group, paid_on=FEB_5, payments=payments, recorded_by=facilitator, client_uuid=key
    )
    again = post_collection_sheet(
        group=group, paid_on=FEB_5, payments=payments, recorded_by=facilitator, client_uuid=key
    )
    assert [r.pk for r in again] == [r.pk for r in first]
    assert Repayment.objects.count() == 2 and CollectionSheet.objects.get().repayments.count() == 2
    assert (balance(siti), balance(ros)) == (990_000, 1_980_000)


def test_the_same_sheet_key_with_other_payments_is_refused(group, group_loans, facilitator):
    siti, ros = group_loans
    key = uuid.uuid4()
    post_collection_sheet(
        group=group, paid_on=FEB_5, payments=[(siti, 110_000, "A1")], recorded_by=facilitator, client_uuid=key
    )
    with translation.override("id"), pytest.raises(ValidationError, match=USED_WITH_OTHER_VALUES):
        post_collection_sheet(
            group=group,
            paid_on=FEB_5,
            payments=[(siti, 110_000, "A1"), (ros, 220_000, "A2")],
            recorded_by=facilitator,
            client_uuid=key,
        )
    assert Repayment.objects.count() == 1


def test_a_refused_sheet_leaves_its_key_free_for_the_corrected_sheet(group, group_loans, facilitator):
    siti, ros = group_loans
    key = uuid.uuid4()
    with pytest.raises(ValidationError):
        post_collection_sheet(
            group=group, paid_on=FEB_5, payments=[(ros, 9_000_000, "")], recorded_by=facilitator, client_uuid=key
        )
    assert not CollectionSheet.objects.exists()
    post_collection_sheet(
        group=group, paid_on=FEB_5, payments=[(ros, 220_000, "")], recorded_by=facilitator, client_uuid=key
    )
    assert [r.amount for r in CollectionSheet.objects.get(client_uuid=key).repayments.all()] == [220_000]


def test_the_collection_sheet_posted_twice_is_counted_once(login, facilitator, group, group_loans):
    siti, ros = group_loans
    client, url = login(facilitator), reverse("loans:collection_sheet", args=[group.pk])
    page = client.get(url, {"paid_on": "2026-02-05"})
    key = page.context["form"]["client_uuid"].value()
    assert f'name="client_uuid" value="{key}"' in page.content.decode()
    # Siti repays all she owes: her loan closes and leaves the sheet, yet the same sheet sent again matches.
    data = {
        "paid_on": "2026-02-05",
        f"amount_{siti.pk}": "1.100.000",
        f"amount_{ros.pk}": "220.000",
        "client_uuid": key,
    }
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert sorted(r.amount for r in Repayment.objects.all()) == [220_000, 1_100_000]
    assert (balance(siti), balance(ros)) == (0, 1_980_000)


def test_the_collection_sheet_key_with_other_amounts_is_refused_with_a_message(login, facilitator, group, group_loans):
    siti, ros = group_loans
    client, url, key = login(facilitator), reverse("loans:collection_sheet", args=[group.pk]), uuid.uuid4()
    client.post(url, {"paid_on": "2026-02-05", f"amount_{siti.pk}": "110.000", "client_uuid": key})
    response = client.post(url, {"paid_on": "2026-02-05", f"amount_{siti.pk}": "220.000", "client_uuid": key})
    assert response.status_code == 200
    assert USED_WITH_OTHER_VALUES in response.content.decode()
    assert [r.amount for r in Repayment.objects.all()] == [110_000]


# --- disbursements ----------------------------------------------------------------------------------------------


@pytest.fixture
def approved(group, product, beneficiary, other_beneficiary, facilitator, manager):
    """Written and submitted by the facilitator, approved by the manager: Rp 1.000.000 and Rp 1.500.000."""
    proposal = create_proposal(
        group=group,
        product=product,
        purpose="Modal kerja",
        lines=[LineRequest(beneficiary, 1_000_000), LineRequest(other_beneficiary, 1_500_000)],
        by=facilitator,
        submit=True,
    )
    first, second = proposal.lines.order_by("pk")
    return decide_proposal(
        proposal=proposal, approve=True, amounts={first.pk: 1_000_000, second.pk: 1_500_000}, by=manager
    )


def test_the_same_disbursement_key_twice_makes_one_set_of_loans(approved, manager):
    key, today = uuid.uuid4(), timezone.localdate()
    first = disburse_proposal(proposal=approved, on=today, by=manager, client_uuid=key)
    again = disburse_proposal(proposal=approved, on=today, by=manager, client_uuid=key)
    assert [loan.pk for loan in again] == [loan.pk for loan in first] and len(first) == 2
    assert Loan.objects.count() == 2
    approved.refresh_from_db()
    assert (approved.status, approved.disbursement_uuid) == (ProposalStatus.DISBURSED, key)


def test_the_same_disbursement_key_with_another_date_is_refused(approved, manager):
    key, today = uuid.uuid4(), timezone.localdate()
    disburse_proposal(proposal=approved, on=today, by=manager, client_uuid=key)
    with translation.override("id"), pytest.raises(ValidationError, match=USED_WITH_OTHER_VALUES):
        disburse_proposal(proposal=approved, on=today - dt.timedelta(days=1), by=manager, client_uuid=key)
    assert Loan.objects.count() == 2


def test_the_disbursement_form_posted_twice_makes_one_set_of_loans(login, manager, approved):
    client, url = login(manager), reverse("loans:proposal_disburse", args=[approved.pk])
    key = client.get(url).context["form"]["client_uuid"].value()
    data = {"disbursed_on": timezone.localdate().isoformat(), "client_uuid": key}
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert sorted(loan.principal for loan in Loan.objects.all()) == [1_000_000, 1_500_000]


# --- maker-checker ----------------------------------------------------------------------------------------------


@pytest.fixture
def drafted_by_the_manager(group, product, beneficiary, manager, coordinator):
    """The manager drafted it; her colleague the coordinator submitted it."""
    proposal = create_proposal(
        group=group, product=product, purpose="Modal", lines=[LineRequest(beneficiary, 1_500_000)], by=manager
    )
    return submit_proposal(proposal=proposal, by=coordinator)


def test_the_manager_who_drafted_a_proposal_cannot_decide_it(drafted_by_the_manager, manager):
    line = drafted_by_the_manager.lines.get()
    with pytest.raises(PermissionDenied):
        decide_proposal(proposal=drafted_by_the_manager, approve=True, amounts={line.pk: 1_500_000}, by=manager)
    drafted_by_the_manager.refresh_from_db()
    assert drafted_by_the_manager.status == "submitted" and drafted_by_the_manager.decided_by is None


def test_another_manager_decides_what_a_manager_drafted(drafted_by_the_manager):
    colleague = UserFactory(role=Role.MANAGER)
    line = drafted_by_the_manager.lines.get()
    decide_proposal(proposal=drafted_by_the_manager, approve=True, amounts={line.pk: 1_500_000}, by=colleague)
    drafted_by_the_manager.refresh_from_db()
    assert drafted_by_the_manager.decided_by == colleague


def test_the_database_refuses_a_decider_who_wrote_the_proposal(drafted_by_the_manager, manager):
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=drafted_by_the_manager.pk).update(decided_by=manager, decided_at=timezone.now())


def test_the_maker_gets_no_decision_page(login, manager, drafted_by_the_manager):
    client = login(manager)
    line = drafted_by_the_manager.lines.get()
    url = reverse("loans:proposal_decide", args=[drafted_by_the_manager.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "approve", f"approved_{line.pk}": "1.500.000"}).status_code == 403
    detail = client.get(reverse("loans:proposal_detail", args=[drafted_by_the_manager.pk]))
    assert detail.context["may_decide"] is False and detail.context["maker_cannot_decide"] is True
    drafted_by_the_manager.refresh_from_db()
    assert drafted_by_the_manager.status == "submitted"


# --- rupiah input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("nan", "Isi jumlah dalam rupiah"),
        ("NaN", "Isi jumlah dalam rupiah"),
        ("Infinity", "Isi jumlah dalam rupiah"),
        ("inf", "Isi jumlah dalam rupiah"),
        ("1e40", "Isi jumlah dalam rupiah"),
        ("1E5", "Isi jumlah dalam rupiah"),
        ("-5", "Jumlahnya tidak boleh negatif"),
        ("1" + "0" * 40, "Jumlahnya terlalu besar"),
    ],
)
def test_the_repayment_form_refuses_what_is_not_an_amount(login, facilitator, loan, typed, message):
    response = login(facilitator).post(
        reverse("loans:repayment_create", args=[loan.pk]), repayment_form(loan, amount=typed, client_uuid=uuid.uuid4())
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Repayment.objects.exists()


@pytest.mark.parametrize("typed", ["nan", "Infinity", "1e40", "-5"])
def test_the_collection_sheet_refuses_what_is_not_an_amount(login, facilitator, group, group_loans, typed):
    siti, _ros = group_loans
    response = login(facilitator).post(
        reverse("loans:collection_sheet", args=[group.pk]),
        {"paid_on": "2026-02-05", f"amount_{siti.pk}": typed, "client_uuid": uuid.uuid4()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"amount_{siti.pk}"]
    assert not Repayment.objects.exists()
