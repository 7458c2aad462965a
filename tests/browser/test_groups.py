import pytest
from playwright.sync_api import expect

from groups.models import Meeting
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.groups.factories import GroupFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_facilitator_records_a_meeting_with_attendance_on_a_phone(
    page, live_server, log_in, facilitator, programme, shoot
):
    names = ["Rosnidar", "Efrida", "Nelmawati", "Zuraida"]
    women = [BeneficiaryFactory(full_name=n, programme=programme, facilitator=facilitator) for n in names]
    group = GroupFactory(name="KUB Sulaman Garegeh", programme=programme, facilitators=[facilitator], members=women)
    log_in(facilitator)
    page.get_by_role("button", name="Buka menu").click()
    page.get_by_role("link", name="Kelompok").click()
    page.get_by_role("link", name="KUB Sulaman Garegeh").click()
    page.get_by_role("link", name="Catat pertemuan").click()
    page.get_by_label("Topik").fill("Kesepakatan harga selendang")
    page.get_by_label("Tempat").fill("Rumah Rosnidar")
    page.get_by_label("Rosnidar").check()
    page.get_by_label("Zuraida").check()
    page.get_by_label("Keputusan").fill("Harga selendang Rp 450.000")
    shoot("meeting-form-phone")
    page.get_by_role("button", name="Simpan pertemuan").click()
    expect(page.get_by_test_id("attendance")).to_have_text("2 dari 4 anggota hadir")
    expect(page.get_by_test_id("present")).to_have_text(["Rosnidar", "Zuraida"])
    shoot("meeting-detail-phone")
    meeting = Meeting.objects.get(group=group)
    assert sorted(b.full_name for b in meeting.attendees.all()) == ["Rosnidar", "Zuraida"]
