"""Money received in the field lands when the loan moved while the phone was offline (issue 17): written off (a
recovery), a repayment reversed, repaid in full (what exceeds the balance is kept as credit). Counted once, the
balances exact to the rupiah, and one review item each with what happened. Without a form made before the change
the old refusals stand."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from loans.models import LoanStatus, Repayment
from loans.services import loan_credit, post_collection_sheet, post_repayment, reverse_repayment, write_off_loan
from mentoring.models import FieldReview, ReviewKind, ReviewReason
from tests.loans.factories import balance

pytestmark = pytest.mark.django_db

FEB_5 = dt.date(2026, 2, 5)


# --- written off while she was offline -----------------------------------------------------------------------------


def test_a_payment_for_a_loan_written_off_after_the_form_lands_as_a_recovery(loan, facilitator, manager):
    made_at = timezone.now()
    write_off_loan(loan=loan, reason="Usaha tutup, pindah ke Padang", on=timezone.localdate(), by=manager)
    key = uuid.uuid4()
    first = post_repayment(
        loan=loan, amount=110_000, paid_on=FEB_5, recorded_by=facilitator, client_uuid=key, form_made_at=made_at
    )
    again = post_repayment(
        loan=loan, amount=110_000, paid_on=FEB_5, recorded_by=facilitator, client_uuid=key, form_made_at=made_at
    )
    loan.refresh_from_db()
    assert again.pk == first.pk and Repayment.objects.count() == 1
    assert loan.status == LoanStatus.WRITTEN_OFF and balance(loan) == 990_000
    assert loan.instalments.get(number=1).principal_paid == 100_000
    review = FieldReview.objects.get()
    assert (review.kind, review.reason, review.repayment, review.loan, review.author) == (
        ReviewKind.REPAYMENT,
        ReviewReason.WRITTEN_OFF,
        first,
        loan,
        facilitator,
    )
    assert review.programme_id == loan.product.fund.programme_id
    with translation.override("en"):
        assert review.describe() == (
            f"Written off on {timezone.localdate():%d/%m/%Y}; this payment is recorded as a recovery."
        )


def test_a_payment_for_a_loan_written_off_before_the_form_is_still_refused(loan, facilitator, manager):
    write_off_loan(loan=loan, reason="Usaha tutup", on=timezone.localdate() - dt.timedelta(days=3), by=manager)
    with pytest.raises(ValidationError, match="dihapusbukukan"):
        post_repayment(
            loan=loan,
            amount=110_000,
            paid_on=FEB_5,
            recorded_by=facilitator,
            client_uuid=uuid.uuid4(),
            form_made_at=timezone.now(),
        )
    assert not Repayment.objects.exists() and not FieldReview.objects.exists()


def test_a_payment_without_the_form_time_for_a_written_off_loan_is_refused(loan, facilitator, manager):
    write_off_loan(loan=loan, reason="Usaha tutup", on=timezone.localdate(), by=manager)
    with pytest.raises(ValidationError):
        post_repayment(loan=loan, amount=110_000, paid_on=FEB_5, recorded_by=facilitator, client_uuid=uuid.uuid4())
    assert not Repayment.objects.exists()


# --- repaid in full while she was offline ----------------------------------------------------------------------------


def test_a_payment_for_a_loan_repaid_meanwhile_is_kept_whole_with_the_excess_as_credit(loan, facilitator, manager):
    made_at = timezone.now()
    post_repayment(loan=loan, amount=1_050_000, paid_on=dt.date(2026, 3, 1), recorded_by=manager)  # 50.000 left
    field = post_repayment(
        loan=loan,
        amount=110_000,
        paid_on=dt.date(2026, 3, 5),
        recorded_by=facilitator,
        client_uuid=uuid.uuid4(),
        form_made_at=made_at,
    )
    loan.refresh_from_db()
    assert (field.amount, field.beyond_balance) == (110_000, True)
    assert loan.status == LoanStatus.CLOSED and loan.closed_on == dt.date(2026, 3, 5)
    assert balance(loan) == 0 and loan_credit(loan) == 60_000
    assert sum(i.principal_paid for i in loan.instalments.all()) == 1_000_000
    review = FieldReview.objects.get()
    assert (review.reason, review.amount, review.happened_on) == (ReviewReason.LOAN_REPAID, 60_000, dt.date(2026, 3, 5))
    with translation.override("en"):
        assert review.describe() == (
            "Repaid in full on 05/03/2026 before this payment arrived; Rp 60.000 is kept as credit."
        )


def test_a_payment_for_a_closed_loan_is_all_credit_and_reversing_it_removes_the_credit(
    loan, facilitator, manager, coordinator
):
    made_at = timezone.now()
    post_repayment(loan=loan, amount=1_100_000, paid_on=dt.date(2026, 3, 1), recorded_by=manager)
    field = post_repayment(
        loan=loan,
        amount=110_000,
        paid_on=FEB_5,
        recorded_by=facilitator,
        client_uuid=uuid.uuid4(),
        form_made_at=made_at,
    )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED and balance(loan) == 0 and loan_credit(loan) == 110_000
    # The coordinator refunds her: the field payment is reversed, the credit is gone, the loan stays repaid.
    reverse_repayment(repayment=field, reason="Dikembalikan ke ibu Siti", by=coordinator)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED and balance(loan) == 0 and loan_credit(loan) == 0


def test_more_than_the_balance_without_a_change_since_the_form_is_still_refused(loan, facilitator):
    with pytest.raises(ValidationError, match="lebih dari sisa"):
        post_repayment(
            loan=loan,
            amount=1_200_000,
            paid_on=FEB_5,
            recorded_by=facilitator,
            client_uuid=uuid.uuid4(),
            form_made_at=timezone.now(),
        )
    assert not Repayment.objects.exists()


# --- a repayment reversed while she was offline: the collection sheet (the "done when") -------------------


def test_a_sheet_for_a_loan_reversed_while_she_was_offline_lands_in_the_review_list(
    login, facilitator, coordinator, group, group_loans
):
    siti, ros = group_loans
    office = post_repayment(loan=siti, amount=110_000, paid_on=FEB_5, recorded_by=coordinator)
    made_at = timezone.now()
    reverse_repayment(repayment=office, reason="Salah catat: uang belum diterima", by=coordinator)
    client, url = login(facilitator), reverse("loans:collection_sheet", args=[group.pk])
    data = {
        "paid_on": "2026-02-05",
        f"amount_{siti.pk}": "110.000",
        f"amount_{ros.pk}": "220.000",
        "client_uuid": str(uuid.uuid4()),
        "form_made_at": made_at.isoformat(),
    }
    first, again = client.post(url, data), client.post(url, data)
    assert first.status_code == again.status_code == 302 and first.url == again.url
    assert Repayment.objects.filter(sheet__isnull=False).count() == 2
    assert (balance(siti), balance(ros)) == (990_000, 1_980_000)
    review = FieldReview.objects.get()
    assert (review.reason, review.loan, review.amount, review.group) == (
        ReviewReason.REPAYMENT_REVERSED,
        siti,
        110_000,
        group,
    )
    with translation.override("en"):
        assert review.describe() == (
            f"A repayment of Rp 110.000 was reversed on {timezone.localdate():%d/%m/%Y}: "
            "Salah catat: uang belum diterima"
        )
    page = login(coordinator).get(reverse("mentoring:review_list"))
    assert [item.pk for item in page.context["page"]] == [review.pk]
    assert reverse("loans:detail", args=[siti.pk]) in page.content.decode()


def test_a_sheet_row_for_a_loan_written_off_after_the_sheet_was_made_is_recorded(
    login, facilitator, manager, group, group_loans
):
    siti, ros = group_loans
    made_at = timezone.now()
    write_off_loan(loan=ros, reason="Meninggal dunia", on=timezone.localdate(), by=manager)
    data = {
        "paid_on": "2026-02-05",
        f"amount_{siti.pk}": "110.000",
        f"amount_{ros.pk}": "220.000",
        "client_uuid": str(uuid.uuid4()),
        "form_made_at": made_at.isoformat(),
    }
    response = login(facilitator).post(reverse("loans:collection_sheet", args=[group.pk]), data)
    assert response.status_code == 302
    assert sorted(Repayment.objects.values_list("loan_id", "amount")) == [(siti.pk, 110_000), (ros.pk, 220_000)]
    assert (balance(siti), balance(ros)) == (990_000, 1_980_000)
    assert list(FieldReview.objects.values_list("loan_id", "reason")) == [(ros.pk, ReviewReason.WRITTEN_OFF)]


def test_the_same_sheet_key_with_other_payments_is_still_a_conflict(group, group_loans, facilitator):
    siti, ros = group_loans
    key, made_at = uuid.uuid4(), timezone.now()
    post_collection_sheet(
        group=group,
        paid_on=FEB_5,
        payments=[(siti, 110_000, "")],
        recorded_by=facilitator,
        client_uuid=key,
        form_made_at=made_at,
    )
    with translation.override("id"), pytest.raises(ValidationError, match="sudah dikirim dengan isi yang berbeda"):
        post_collection_sheet(
            group=group,
            paid_on=FEB_5,
            payments=[(siti, 120_000, "")],
            recorded_by=facilitator,
            client_uuid=key,
            form_made_at=made_at,
        )
    assert Repayment.objects.count() == 1


def test_the_loan_page_shows_the_credit(login, loan, facilitator, manager):
    made_at = timezone.now()
    post_repayment(loan=loan, amount=1_100_000, paid_on=dt.date(2026, 3, 1), recorded_by=manager)
    post_repayment(
        loan=loan,
        amount=110_000,
        paid_on=FEB_5,
        recorded_by=facilitator,
        client_uuid=uuid.uuid4(),
        form_made_at=made_at,
    )
    page = login(manager).get(reverse("loans:detail", args=[loan.pk]))
    assert page.context["credit"] == 110_000 and 'data-testid="credit"' in page.content.decode()
