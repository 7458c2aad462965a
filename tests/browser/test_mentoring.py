import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.beneficiaries.factories import BeneficiaryFactory, BusinessFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def aspect(page, code):
    """The chip of an aspect (the checkbox itself is hidden behind its label)."""
    return page.locator(f"input[name=aspects][value={code}] + label")


def drafts(page) -> int:
    return page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('pekka.draft.')).length")


def test_facilitator_logs_a_home_visit_from_her_day_on_a_phone(
    page, live_server, log_in, facilitator, programme, shoot
):
    from mentoring.models import FollowUp, Visit

    siti = BeneficiaryFactory(full_name="Siti Aminah", programme=programme, facilitator=facilitator)
    BusinessFactory(beneficiary=siti, name="Sulaman Bunga Tanjung")
    log_in(facilitator)
    shoot("mentoring-day-phone")
    page.get_by_test_id("not-visited").locator(f"a[href='/pendampingan/penerima-manfaat/{siti.pk}/kunjungan/']").click()
    expect(page.locator("h1")).to_contain_text("Siti Aminah")
    aspect(page, "marketing").click()
    aspect(page, "packaging").click()
    page.locator("#id_actions").fill("Membuka toko di Shopee")
    page.locator("#id_fu-0-description").fill("Bawa contoh label")
    page.locator("#id_fu-0-due_on").fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())
    shoot("mentoring-visit-form-phone")
    page.locator("[data-draft-submit]").click()
    page.wait_for_url(f"{live_server.url}/pendampingan/kunjungan/*/")
    expect(page.get_by_test_id("visit-actions")).to_contain_text("Membuka toko di Shopee")
    assert drafts(page) == 0  # the server confirmed: the phone dropped its copy
    page.get_by_test_id("visit-subject").click()
    expect(page.get_by_test_id("visit-timeline")).to_contain_text("Membuka toko di Shopee")
    shoot("mentoring-timeline-phone")
    visit = Visit.objects.get()
    assert visit.aspects == ["packaging", "marketing"] or sorted(visit.aspects) == ["marketing", "packaging"]
    assert FollowUp.objects.get().description == "Bawa contoh label"


def test_a_visit_typed_without_network_survives_and_is_sent_once_when_back_online(
    page, context, live_server, log_in, facilitator, programme, shoot
):
    from mentoring.models import Visit

    siti = BeneficiaryFactory(full_name="Siti Aminah", programme=programme, facilitator=facilitator)
    log_in(facilitator)
    form_url = f"{live_server.url}/pendampingan/penerima-manfaat/{siti.pk}/kunjungan/"
    page.goto(form_url)
    aspect(page, "legality").click()
    page.locator("#id_actions").fill("Mendaftarkan NIB lewat OSS")
    page.locator("#id_obstacles").fill("Sinyal lemah di dusun")
    form_id = page.locator("input[name=client_uuid]").input_value()

    # A reload keeps what was typed, and the form id with it.
    page.reload()
    expect(page.locator("#id_actions")).to_have_value("Mendaftarkan NIB lewat OSS")
    expect(page.locator("input[name=aspects][value=legality]")).to_be_checked()
    assert page.locator("input[name=client_uuid]").input_value() == form_id

    # The network drops before she taps save: nothing is sent, the phone keeps the visit and says so.
    context.set_offline(True)
    page.locator("[data-draft-submit]").click()
    banner = page.locator("[data-draft-banner]")
    expect(banner).to_have_class("alert alert-warning draft-banner")
    shoot("mentoring-offline-phone")
    assert Visit.objects.count() == 0

    # She closes the tab. Back online, any page of the app sends what the outbox kept, by itself and once.
    page.close()
    context.set_offline(False)
    again = context.new_page()
    again.goto(f"{live_server.url}/")
    for _ in range(150):  # the badge starts hidden, so wait for the server itself to have it
        if Visit.objects.exists():
            break
        again.wait_for_timeout(100)
    expect(again.locator("[data-outbox-count]")).to_be_hidden(timeout=15_000)
    visit = Visit.objects.get()
    assert str(visit.client_uuid) == form_id
    assert visit.obstacles == "Sinyal lemah di dusun" and visit.aspects == ["legality"]
    again.goto(f"{live_server.url}/pendampingan/kunjungan/{visit.pk}/")
    expect(again.get_by_test_id("visit-actions")).to_contain_text("Mendaftarkan NIB lewat OSS")

    # Going back to the form does not send it a second time: it is a new, empty form.
    again.goto(form_url)
    expect(again.locator("#id_actions")).to_have_value("")
    assert drafts(again) == 0
    assert Visit.objects.count() == 1


def test_a_visit_saved_offline_is_sent_when_the_connection_returns(
    page, context, live_server, log_in, facilitator, programme
):
    from mentoring.models import Visit

    siti = BeneficiaryFactory(full_name="Siti Aminah", programme=programme, facilitator=facilitator)
    log_in(facilitator)
    page.goto(f"{live_server.url}/pendampingan/penerima-manfaat/{siti.pk}/kunjungan/")
    page.locator("#id_actions").fill("Membuat label kemasan")
    context.set_offline(True)
    page.locator("[data-draft-submit]").click()
    expect(page.locator("[data-draft-banner]")).to_have_class("alert alert-warning draft-banner")
    context.set_offline(False)  # the "online" event sends it from the same page
    page.wait_for_url(f"{live_server.url}/pendampingan/kunjungan/*/")
    assert Visit.objects.get().actions == ["Membuat label kemasan"]


def test_a_coordinator_opens_a_facilitators_day_from_her_team(
    page, live_server, log_in, coordinator, facilitator, programme, shoot
):
    BeneficiaryFactory(full_name="Yenni Marlina", programme=programme, facilitator=facilitator)  # never visited
    log_in(coordinator)
    summary = page.get_by_test_id("team-summary")
    expect(summary).to_contain_text("1 belum dikunjungi")
    summary.locator(f"a.btn[href$='/hari/{facilitator.pk}/']").click()
    expect(page.get_by_test_id("not-visited")).to_contain_text("Yenni Marlina")
    shoot("coordinator-facilitator-day-phone")
