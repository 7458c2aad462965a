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


def test_facilitator_registers_a_woman_with_a_child_on_a_phone(
    page, live_server, log_in, facilitator, programme, shoot
):
    from beneficiaries.models import Beneficiary
    from tests.regions.factories import garegeh

    garegeh()
    log_in(facilitator)
    page.goto(f"{live_server.url}/penerima-manfaat/baru/")
    page.get_by_label("Nama lengkap").fill("Yusnani")
    page.get_by_label("NIK").fill("1375 0245 0880 0077")
    page.get_by_label("Tanggal lahir").first.fill("1980-08-05")
    village = page.locator("#id_h-village-ts-control")
    village.click()
    village.press_sequentially("garegeh", delay=30)
    page.locator(".ts-dropdown .option", has_text="Kel. Garegeh").click()
    page.get_by_label("RT", exact=True).fill("3")
    page.locator("#id_m-0-name").fill("Putri")
    page.locator("#id_m-0-relationship").select_option("child")
    page.locator("#id_m-0-sex").select_option("P")
    page.get_by_role("button", name="Tambah anggota").click()
    page.locator("#id_m-1-name").fill("Rusli")
    page.locator("#id_m-1-relationship").select_option("parent")
    page.locator("#id_m-1-sex").select_option("L")
    page.locator("#id_m-1-birth_year").fill("1950")
    shoot("beneficiary-register-phone")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", name="Yusnani", level=1)).to_be_visible()
    expect(page.get_by_text("Yusnani telah didaftarkan.")).to_be_visible()
    woman = Beneficiary.objects.get(full_name="Yusnani")
    assert woman.facilitator == facilitator
    assert woman.household.rt == "003"
    assert sorted(m.name for m in woman.household.members.all()) == ["Putri", "Rusli"]
