import pytest
from playwright.sync_api import expect

from tests.beneficiaries.factories import BeneficiaryFactory, BusinessFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_facilitator_finds_a_beneficiary_by_part_of_her_name_on_a_phone(
    page, live_server, log_in, facilitator, programme, shoot
):
    siti = BeneficiaryFactory(full_name="Siti Aminah", programme=programme, facilitator=facilitator)
    BusinessFactory(beneficiary=siti, name="Sulaman Bunga Tanjung")
    BeneficiaryFactory(full_name="Yusnani", programme=programme, facilitator=facilitator)
    log_in(facilitator)
    page.get_by_role("button", name="Buka menu").click()
    page.get_by_role("link", name="Penerima manfaat").click()
    expect(page.get_by_role("link", name="Yusnani")).to_be_visible()
    page.get_by_placeholder("Nama, NIK, KK, atau telepon").fill("amin")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Yusnani")).to_have_count(0)
    shoot("beneficiary-search-phone")
    page.get_by_role("link", name="Siti Aminah").click()
    expect(page.get_by_role("heading", name="Siti Aminah", level=1)).to_be_visible()
    expect(page.get_by_text("Sulaman Bunga Tanjung", exact=True)).to_be_visible()
    expect(page.get_by_test_id("nik")).to_have_text(f"{siti.nik[:4]} **** **** {siti.nik[-4:]}")
    shoot("beneficiary-detail-phone")
