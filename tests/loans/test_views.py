import datetime as dt
import uuid

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from loans.models import CapitalGrant, Loan, Proposal, Repayment
from loans.panels import beneficiary_sections, group_sections
from loans.services import LineRequest, create_proposal, decide_proposal, post_repayment
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.groups.factories import GroupFactory
from tests.loans.factories import CapitalGrantFactory, LoanFactory, LoanProductFactory

pytestmark = pytest.mark.django_db


def pay(loan, amount, on, by):
    return post_repayment(loan=loan, amount=amount, paid_on=on, recorded_by=by)


# --- visibility and login -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["loans:detail", "loans:statement", "loans:repayment_create"])
def test_anonymous_is_sent_to_login(client, loan, name):
    response = client.get(reverse(name, args=[loan.pk]))
    assert response.status_code == 302 and "/akun/masuk/" in response.url


def test_a_facilitator_sees_her_caseloads_and_her_groups_loans(login, facilitator, group_loans, other_beneficiary):
    lonely = LoanFactory(beneficiary=BeneficiaryFactory(full_name="Orang Lain"), product=group_loans[0].product)
    html = login(facilitator).get(reverse("loans:list")).content.decode()
    assert "Siti Aminah" in html and "Rosmaini" in html  # Rosmaini through the group she accompanies
    assert "Orang Lain" not in html
    assert login(facilitator).get(reverse("loans:detail", args=[lonely.pk])).status_code == 404


def test_another_facilitators_loan_is_a_404(login, facilitator, product, other_beneficiary):
    loan = LoanFactory(beneficiary=other_beneficiary, product=product)
    client = login(facilitator)
    for name in ("loans:detail", "loans:statement", "loans:repayment_create", "loans:write_off"):
        assert client.get(reverse(name, args=[loan.pk])).status_code == 404, name


def test_another_programmes_loan_is_a_404_for_a_manager(login, manager, foreign_beneficiary, other_programme):
    loan = LoanFactory(beneficiary=foreign_beneficiary, product=LoanProductFactory(fund__programme=other_programme))
    assert login(manager).get(reverse("loans:detail", args=[loan.pk])).status_code == 404
    assert "Sumiyati" not in login(manager).get(reverse("loans:list")).content.decode()


# --- list -------------------------------------------------------------------------------------------------------


def test_list_filters_and_totals(login, manager, group_loans, product, beneficiary):
    siti, ros = group_loans
    pay(siti, 1_100_000, dt.date(2026, 2, 5), manager)  # repaid
    pay(ros, 220_000, dt.date(2026, 2, 5), manager)  # then nothing: months late
    client = login(manager)

    def names(**params):
        html = client.get(reverse("loans:list"), params).content.decode()
        return [n for n in ("Siti Aminah", "Rosmaini") if n in html]

    assert names(status="closed") == ["Siti Aminah"]
    assert names(status="active") == ["Rosmaini"]
    assert names(bucket="over_90") == ["Rosmaini"]
    assert names(bucket="par30") == ["Rosmaini"]
    assert names(bucket="current") == ["Siti Aminah"]
    assert names(q="rosm") == ["Rosmaini"]
    response = client.get(reverse("loans:list"))
    assert response.context["totals"] == {
        "count": 2,
        "disbursed": 3_000_000,
        "outstanding": 1_800_000,
        "in_arrears": 1_800_000,
    }


def test_a_filter_that_cannot_be_applied_matches_nothing(login, manager, loan):
    html = login(manager).get(reverse("loans:list"), {"group": 999_999}).content.decode()
    assert "Siti Aminah" not in html


@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_count_is_flat(login, manager, product, programme, django_assert_num_queries, rows):
    for _ in range(rows):
        loan = LoanFactory(beneficiary=BeneficiaryFactory(programme=programme), product=product)
        pay(loan, 110_000, dt.date(2026, 2, 5), manager)
    client = login(manager)
    # 1 session, 2 user; the filter form's choices: 3 facilitators, 4 programmes (groups are searched as she
    # types); 5 paginator count, 6 the page of loans with borrower, group, product, fund, programme and arrears
    # subqueries, 7 the totals
    with django_assert_num_queries(7):
        response = client.get(reverse("loans:list"))
    assert response.status_code == 200


# --- loan page, statement, repayments ---------------------------------------------------------------------------


def test_the_loan_page_shows_schedule_payments_and_balance(login, facilitator, loan, manager):
    pay(loan, 160_000, dt.date(2026, 2, 5), manager)
    response = login(facilitator).get(reverse("loans:detail", args=[loan.pk]))
    html = response.content.decode()
    assert response.context["totals"]["balance"] == 940_000
    assert "Rp 940.000" in html and "05/02/2026" in html
    assert reverse("loans:repayment_reverse", args=[loan.repayments.get().pk]) not in html  # not hers to reverse


def test_the_statement_prints_the_balance(login, facilitator, loan, manager):
    pay(loan, 110_000, dt.date(2026, 2, 5), manager)
    html = login(facilitator).get(reverse("loans:statement", args=[loan.pk])).content.decode()
    assert "Rp 990.000" in html and "data-print" in html


def test_a_facilitator_records_a_repayment(login, facilitator, loan):
    response = login(facilitator).post(
        reverse("loans:repayment_create", args=[loan.pk]),
        {"amount": "110.000", "paid_on": "2026-02-05", "receipt_no": "K-17", "client_uuid": uuid.uuid4()},
    )
    assert response.status_code == 302 and response.url == reverse("loans:detail", args=[loan.pk])
    repayment = Repayment.objects.get()
    assert (repayment.amount, repayment.recorded_by, repayment.receipt_no) == (110_000, facilitator, "K-17")


def test_a_repayment_beyond_the_balance_is_explained(login, facilitator, loan):
    response = login(facilitator).post(
        reverse("loans:repayment_create", args=[loan.pk]),
        {"amount": "2.000.000", "paid_on": "2026-02-05", "client_uuid": uuid.uuid4()},
    )
    assert response.status_code == 200
    assert "lebih dari sisa" in response.content.decode() or "more than the balance" in response.content.decode()
    assert not Repayment.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("facilitator", 403), ("coordinator", 302), ("manager", 302)])
def test_who_may_reverse_a_repayment(request, login, loan, manager, who, status):
    repayment = pay(loan, 110_000, dt.date(2026, 2, 5), manager)
    user = request.getfixturevalue(who)
    response = login(user).post(reverse("loans:repayment_reverse", args=[repayment.pk]), {"reason": "Salah catat"})
    assert response.status_code == status
    assert Repayment.objects.filter(reverses=repayment).exists() == (status == 302)


@pytest.mark.parametrize(("who", "status"), [("facilitator", 403), ("coordinator", 403), ("manager", 302)])
def test_who_may_write_off(request, login, loan, who, status):
    user = request.getfixturevalue(who)
    response = login(user).post(reverse("loans:write_off", args=[loan.pk]), {"on": "2026-09-01", "reason": "Pindah"})
    assert response.status_code == status
    loan.refresh_from_db()
    assert (loan.status == "written_off") == (status == 302)


# --- proposals --------------------------------------------------------------------------------------------------


def test_a_facilitator_submits_a_proposal_for_her_groups_members(login, facilitator, group, product, beneficiary):
    client = login(facilitator)
    page = client.get(reverse("loans:proposal_create"), {"group": group.pk})
    assert "Rosmaini" in page.content.decode()
    response = client.post(
        reverse("loans:proposal_create") + f"?group={group.pk}",
        {
            "product": product.pk,
            "purpose": "Modal kerja",
            f"amount_{beneficiary.pk}": "2.000.000",
            f"purpose_{beneficiary.pk}": "Beli melinjo",
            "submit": "1",
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response.url == reverse("loans:proposal_detail", args=[proposal.pk])
    assert (proposal.status, proposal.submitted_by, proposal.group) == ("submitted", facilitator, group)
    assert [(line.beneficiary, line.amount_requested) for line in proposal.lines.all()] == [(beneficiary, 2_000_000)]


def test_a_proposal_for_another_facilitators_group_is_a_404(login, other_facilitator, group):
    assert login(other_facilitator).get(reverse("loans:proposal_create"), {"group": group.pk}).status_code == 404


@pytest.fixture
def submitted(group, product, beneficiary, manager):
    """Submitted by the manager herself."""
    return create_proposal(
        group=group,
        product=product,
        purpose="Modal",
        lines=[LineRequest(beneficiary, 1_500_000)],
        by=manager,
        submit=True,
    )


@pytest.mark.parametrize("who", ["facilitator", "coordinator", "manager"])
def test_who_may_not_decide(request, login, submitted, who):
    """Facilitators and coordinators never decide; the manager submitted this one (maker-checker)."""
    user = request.getfixturevalue(who)
    line = submitted.lines.get()
    response = login(user).post(
        reverse("loans:proposal_decide", args=[submitted.pk]), {"decision": "approve", f"approved_{line.pk}": "1"}
    )
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_the_checker_decides_and_a_manager_disburses(login, admin, manager, facilitator, submitted):
    line = submitted.lines.get()
    response = login(admin).post(
        reverse("loans:proposal_decide", args=[submitted.pk]),
        {"decision": "approve", f"approved_{line.pk}": "1.250.000", f"survey_{line.pk}": "Usaha berjalan"},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.decided_by) == ("approved", admin)
    today = timezone.localdate().isoformat()
    assert (
        login(facilitator).post(
            reverse("loans:proposal_disburse", args=[submitted.pk]),
            {"disbursed_on": today, "client_uuid": uuid.uuid4()},
        )
    ).status_code == 403
    response = login(manager).post(
        reverse("loans:proposal_disburse", args=[submitted.pk]), {"disbursed_on": today, "client_uuid": uuid.uuid4()}
    )
    assert response.status_code == 302
    assert Loan.objects.get().principal == 1_250_000


def test_a_rejection_needs_a_reason(login, admin, submitted):
    client = login(admin)
    response = client.post(reverse("loans:proposal_decide", args=[submitted.pk]), {"decision": "reject"})
    assert response.status_code == 200
    client.post(reverse("loans:proposal_decide", args=[submitted.pk]), {"decision": "reject", "reason": "Belum siap"})
    submitted.refresh_from_db()
    assert (submitted.status, submitted.rejection_reason) == ("rejected", "Belum siap")


# --- collection sheet -------------------------------------------------------------------------------------------


def test_the_collection_sheet_prefills_what_is_due_this_month(login, facilitator, group, group_loans, manager):
    siti, ros = group_loans
    pay(siti, 1_100_000, dt.date(2026, 2, 5), manager)  # Siti repaid everything: her loan is off the sheet
    response = login(facilitator).get(reverse("loans:collection_sheet", args=[group.pk]), {"paid_on": "2026-03-03"})
    rows = response.context["form"].sheet_rows
    assert [(row.loan, row.due, row.overdue) for row in rows] == [(ros, 440_000, 220_000)]  # Feb + Mar of 220.000
    assert 'value="440.000"' in response.content.decode()


def test_a_facilitator_saves_the_collection_sheet(login, facilitator, group, group_loans):
    siti, ros = group_loans
    response = login(facilitator).post(
        reverse("loans:collection_sheet", args=[group.pk]),
        {
            "paid_on": "2026-02-05",
            f"amount_{siti.pk}": "110.000",
            f"receipt_{siti.pk}": "A1",
            f"amount_{ros.pk}": "",
            "client_uuid": uuid.uuid4(),
        },
    )
    assert response.status_code == 302
    assert [(r.loan, r.amount, r.recorded_by) for r in Repayment.objects.all()] == [(siti, 110_000, facilitator)]


def test_a_collection_sheet_with_a_bad_row_saves_nothing(login, facilitator, group, group_loans):
    siti, ros = group_loans
    response = login(facilitator).post(
        reverse("loans:collection_sheet", args=[group.pk]),
        {
            "paid_on": "2026-02-05",
            f"amount_{siti.pk}": "110.000",
            f"amount_{ros.pk}": "9.000.000",
            "client_uuid": uuid.uuid4(),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"amount_{ros.pk}"]
    assert not Repayment.objects.exists()


def test_another_facilitators_group_sheet_is_a_404(login, other_facilitator, group):
    assert login(other_facilitator).get(reverse("loans:collection_sheet", args=[group.pk])).status_code == 404


# --- reports ---------------------------------------------------------------------------------------------------


def test_the_par_report_page(login, manager, group_loans):
    siti, ros = group_loans
    pay(siti, 1_100_000, dt.date(2026, 2, 5), manager)
    response = login(manager).get(reverse("loans:par"), {"on": "2026-06-20", "by": "group"})
    total = response.context["total"]
    assert (total.outstanding, total.par1, total.par30) == (2_000_000, 100, 100)
    assert "KUB Emping" in response.content.decode()


def test_the_on_time_payers_page(login, manager, group_loans):
    siti, ros = group_loans
    for month in (2, 3, 4):
        pay(siti, 110_000, dt.date(2026, month, 5), manager)
    response = login(manager).get(reverse("loans:on_time"), {"start": "2026-02-01", "end": "2026-04-30"})
    assert [r.name for r in response.context["payers"]] == ["Siti Aminah"]
    assert [(r.name, r.on_time, r.late) for r in response.context["groups"]] == [("KUB Emping", 3, 3)]


# --- grants ----------------------------------------------------------------------------------------------------


def test_a_facilitator_cannot_record_a_grant(login, facilitator, beneficiary):
    assert login(facilitator).get(reverse("loans:grant_create")).status_code == 403


def test_a_coordinator_records_a_grant(login, coordinator, beneficiary, programme):
    response = login(coordinator).post(
        reverse("loans:grant_create"),
        {
            "beneficiary": beneficiary.pk,
            "programme": programme.pk,
            "source": "Kementerian Sosial RI",
            "given_on": "2020-11-20",
            "amount": "3.500.000",
            "intended_use": "Membeli kambing",
        },
    )
    assert response.status_code == 302
    grant = CapitalGrant.objects.get()
    assert (grant.amount, grant.recorded_by) == (3_500_000, coordinator)


def test_grants_are_scoped(login, facilitator, beneficiary, other_beneficiary, programme):
    CapitalGrantFactory(beneficiary=beneficiary, programme=programme, intended_use="Kambing Siti")
    CapitalGrantFactory(beneficiary=other_beneficiary, programme=programme, intended_use="Kambing Ros")
    html = login(facilitator).get(reverse("loans:grants")).content.decode()
    assert "Kambing Siti" in html and "Kambing Ros" not in html


# --- panels -----------------------------------------------------------------------------------------------------


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.parametrize("loans", [1, 4])
def test_her_loans_and_grants_on_her_page_in_fixed_queries(
    facilitator, beneficiary, product, programme, django_assert_num_queries, loans
):
    for _ in range(loans):
        LoanFactory(beneficiary=beneficiary, product=product)
    CapitalGrantFactory(beneficiary=beneficiary, programme=programme, intended_use="Membeli kambing")
    # 1 loans with arrears, 2 grants, 3 whether a programme of hers lends
    with django_assert_num_queries(3):
        [html] = beneficiary_sections(_request(facilitator), beneficiary)
    assert html.count(reverse("loans:detail", args=[0])[:-2]) >= loans and "Membeli kambing" in html


@pytest.mark.parametrize("members", [2, 8])
def test_the_group_portfolio_in_fixed_queries(
    facilitator, group, product, manager, programme, django_assert_num_queries, members
):
    from groups.models import Membership

    for _ in range(members):
        woman = BeneficiaryFactory(programme=programme)
        Membership.objects.create(group=group, beneficiary=woman, joined_on=dt.date(2025, 9, 1))
        pay(LoanFactory(beneficiary=woman, product=product, group=group), 110_000, dt.date(2026, 2, 5), manager)
    # 1 status counts, 2 PAR, 3 members' on-time record, 4 the group's, 5 active loans' positions
    with django_assert_num_queries(5):
        [html] = group_sections(_request(facilitator), group)
    assert reverse("loans:collection_sheet", args=[group.pk]) in html
    assert html.count("data-testid") >= 2


def test_proposal_submitted_at_is_kept_when_decided(submitted, admin):
    decide_proposal(proposal=submitted, approve=True, amounts={submitted.lines.get().pk: 1}, by=admin)
    submitted.refresh_from_db()
    assert submitted.decided_at >= submitted.submitted_at


def test_the_group_filter_carries_only_the_chosen_group_and_searches_the_rest(login, manager, group_loans, programme):
    # Given many groups in her programmes, one of them with loans
    GroupFactory(programme=programme, name="KUB Lain Sekali")
    chosen = group_loans[0].group
    client = login(manager)
    # When she filters the loan list by that group
    html = client.get(reverse("loans:list"), {"group": chosen.pk}).content.decode()
    # Then the select holds that group only (the others are searched as she types), and the filter applies
    assert f'<option value="{chosen.pk}" selected>{chosen.name}</option>' in html
    assert "KUB Lain Sekali" not in html
    assert f'data-remote-search="{reverse("groups:search")}"' in html
