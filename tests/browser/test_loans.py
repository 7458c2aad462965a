import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from loans.models import Repayment
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.groups.factories import GroupFactory
from tests.loans.factories import LoanFactory, LoanProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_facilitator_records_a_collection_sheet_on_a_phone_and_the_balances_update(
    page, live_server, log_in, facilitator, manager, programme, shoot
):
    siti = BeneficiaryFactory(full_name="Siti Aminah", programme=programme, facilitator=facilitator)
    ros = BeneficiaryFactory(full_name="Rosnidar", programme=programme, facilitator=facilitator)
    group = GroupFactory(name="KUB Emping", programme=programme, facilitators=[facilitator], members=[siti, ros])
    product = LoanProductFactory(fund__programme=programme)  # flat 12% over 10 months, due on the 5th
    LoanFactory(beneficiary=siti, product=product, group=group, principal=1_000_000, created_by=manager)
    LoanFactory(beneficiary=ros, product=product, group=group, principal=2_000_000, created_by=manager)

    log_in(facilitator)
    page.goto(f"{live_server.url}{reverse('groups:detail', args=[group.pk])}")
    sheet_url = reverse("loans:collection_sheet", args=[group.pk])
    page.locator(f'a[href="{sheet_url}"]').click()
    page.locator("#sheet-date").fill("2026-02-03")  # the February meeting, two days before the due date
    page.locator("form.sheet-date button").click()

    rows = page.get_by_test_id("sheet-row")
    expect(rows).to_have_count(2)
    siti_row, ros_row = rows.filter(has_text="Siti Aminah"), rows.filter(has_text="Rosnidar")
    expect(siti_row.locator("input[data-amount]")).to_have_value("110.000")  # prefilled with what is due
    expect(ros_row.locator("input[data-amount]")).to_have_value("220.000")
    expect(siti_row.get_by_test_id("row-balance")).to_have_text("Rp 1.100.000")
    ros_row.locator("input[data-amount]").fill("100.000")  # she paid less this month
    siti_row.locator("input[name^=receipt]").fill("CS-0201")
    expect(page.locator("[data-sheet-total]")).to_have_text("Rp 210.000")
    shoot("collection-sheet-phone")
    page.locator("form[data-collection-sheet] button[type=submit]").click()

    expect(page.locator(".alert-success")).to_be_visible()
    expect(rows.filter(has_text="Siti Aminah").get_by_test_id("row-balance")).to_have_text("Rp 990.000")
    expect(rows.filter(has_text="Rosnidar").get_by_test_id("row-balance")).to_have_text("Rp 2.100.000")
    shoot("collection-sheet-saved-phone")
    assert sorted((r.loan.beneficiary.full_name, r.amount, r.paid_on) for r in Repayment.objects.all()) == [
        ("Rosnidar", 100_000, dt.date(2026, 2, 3)),
        ("Siti Aminah", 110_000, dt.date(2026, 2, 3)),
    ]
    assert all(r.recorded_by == facilitator for r in Repayment.objects.all())


def test_a_manager_finds_a_group_for_the_loan_filter_by_typing(page, live_server, log_in, manager, programme, shoot):
    # Given two groups with a loan each (the picker carries no list of groups: it asks the server as she types)
    product = LoanProductFactory(fund__programme=programme)
    for group_name, woman in [("KUB Emping Melinjo", "Siti Aminah"), ("KUB Sulaman Bunga", "Rosnidar")]:
        borrower = BeneficiaryFactory(full_name=woman, programme=programme)
        group = GroupFactory(name=group_name, programme=programme, members=[borrower])
        LoanFactory(beneficiary=borrower, product=product, group=group, created_by=manager)
    log_in(manager)
    page.goto(f"{live_server.url}{reverse('loans:list')}?status=active")
    # When she types part of a group's name in the group filter and picks it
    page.locator("#div_id_group .ts-control").click()
    page.keyboard.type("emping")
    option = page.locator("#div_id_group .ts-dropdown .option")
    expect(option).to_have_count(1)
    expect(option).to_contain_text("KUB Emping Melinjo")
    shoot("loan-group-picker-phone")
    option.click()
    page.locator("#filters button[type=submit]").click()
    # Then the list shows that group's loan only, and the picker keeps her choice
    expect(page.locator("main")).to_contain_text("Siti Aminah")
    expect(page.locator("main")).not_to_contain_text("Rosnidar")
    expect(page.locator("#div_id_group .ts-control")).to_contain_text("KUB Emping Melinjo")
