"""Issue 17 end to end, on a phone: a day in the field without a signal, from her offline copy to what the server
and her coordinator see once the phone is back online.

Each test keeps one persistent Chromium profile (tests/browser/conftest.py's ``phone``): closing the browser and
opening it again keeps the service worker, its caches, the outbox's IndexedDB and the session cookie, as a phone
does. Online pages come from the server (the browser conftest's PWA_NETWORK_TIMEOUT_SECONDS = 30)."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.browser.test_offline_shell import wait_until_ready
from tests.browser.test_outbox import badge, entry, jpeg_size, png
from tests.groups.factories import GroupFactory
from tests.loans.factories import LoanFactory, LoanProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REVERSAL_REASON = "Salah catat: uang belum diterima"


def shoot(page, name):
    """The whole page as she would see it scrolling: the viewport made as tall as the page first, so that the sticky
    navbar, the visit form's save bar and the sheet's total sit where they belong instead of over the content (a
    full-page capture draws them where the phone's screen is)."""
    if not SCREENSHOTS:
        return
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.evaluate("window.scrollTo(0, 0)")
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    try:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))
    finally:
        page.set_viewport_size(size)


def open_phone(context):
    context.set_default_timeout(15000)
    return context.pages[0] if context.pages else context.new_page()


def log_out(page):
    """Through the navbar's menu, as on a phone; with unsent records the outbox asks first."""
    page.locator(".navbar-toggler").click()
    page.locator("#mainNav .dropdown-toggle:has(.bi-person-circle)").click()
    page.locator("form[data-logout] button").click()


def cache_names(page):
    return page.evaluate("caches.keys()")


def women(programme, facilitator, *names):
    return [BeneficiaryFactory(full_name=name, programme=programme, facilitator=facilitator) for name in names]


def test_a_day_without_signal(phone, live_server, facilitator, programme, password):
    from mentoring.models import Visit

    siti, _rina, _dewi = women(programme, facilitator, "Siti Aminah", "Rina Marlina", "Dewi Lestari")
    with phone() as context:
        page = open_phone(context)
        sign_in(page, live_server, facilitator, password)
        wait_until_ready(page)
        expect(page.locator("[data-offline-text]")).to_have_text(
            re.compile(r"Siap offline · 3 penerima · diperbarui \d\d\.\d\d")
        )

        context.set_offline(True)
        page.reload()
        expect(page.locator("[data-offline-text]")).to_contain_text("Tanpa sinyal")
        page.goto(f"{live_server.url}{reverse('field_home')}")
        expect(page.get_by_role("heading", name="Halaman lapangan saya")).to_be_visible()
        expect(page.locator("[data-offline-text]")).to_contain_text("Tanpa sinyal")
        listed = page.get_by_test_id("field-women")
        expect(listed.locator("li:visible")).to_have_count(3)
        page.get_by_placeholder("Cari nama atau desa").fill("amin")
        expect(listed.locator("li:visible")).to_have_count(1)
        expect(listed.locator("li:visible")).to_contain_text("Siti Aminah")
        shoot(page, "field-day-1-offline-field-page")

        listed.get_by_role("link", name="Siti Aminah").click()
        page.wait_for_url(f"{live_server.url}{reverse('beneficiaries:detail', args=[siti.pk])}")
        expect(page.get_by_role("heading", name="Siti Aminah")).to_be_visible()
        shoot(page, "field-day-2-her-page-offline")

        page.get_by_role("link", name="Kunjungan baru").click()
        page.wait_for_url(f"{live_server.url}{reverse('mentoring:visit_create', args=[siti.pk])}")
        expect(page.get_by_role("heading", name="Kunjungan: Siti Aminah")).to_be_visible()
        key = page.locator("input[name=client_uuid]").input_value()
        assert key
        page.locator("#id_actions").fill("Membuat label kemasan")
        page.locator("#id_obstacles").fill("Modal kurang untuk kemasan")
        page.locator("#id_photos").set_input_files(
            files=[{"name": "warung.png", "mimeType": "image/png", "buffer": png(2000, 1500)}]
        )
        shoot(page, "field-day-3-visit-form-offline")
        page.locator("[data-draft-submit]").click()
        expect(page.locator("[data-draft-banner]")).to_contain_text(
            "Tersimpan di ponsel — akan dikirim saat ada sinyal"
        )
        expect(badge(page)).to_have_text("1")
        shoot(page, "field-day-4-saved-on-the-phone")
        assert Visit.objects.count() == 0

    # The browser opened again where there is a signal: any page sends what waits.
    with phone() as context:
        page = open_phone(context)
        page.goto(f"{live_server.url}/")
        expect(badge(page)).to_be_hidden()
        page.goto(f"{live_server.url}{reverse('outbox')}")
        expect(entry(page)).to_have_count(1)
        expect(entry(page)).to_contain_text("Kunjungan · Siti Aminah")
        expect(entry(page)).to_contain_text("Terkirim")
        shoot(page, "field-day-5-sent")

    visit = Visit.objects.get()
    assert str(visit.client_uuid) == key
    assert (visit.beneficiary, visit.author, visit.actions) == (siti, facilitator, ["Membuat label kemasan"])
    with visit.photos.get().image.open("rb") as stored:
        assert jpeg_size(stored.read()) == (1280, 960)  # resized on the phone: 1280 on the long side


def test_a_collection_sheet_collected_without_signal_counts_once_and_a_reversal_meanwhile_goes_to_review(
    phone, live_server, facilitator, coordinator, manager, programme, password, page, log_in
):
    from loans.models import CollectionSheet, Repayment
    from loans.services import post_repayment, reverse_repayment
    from mentoring.models import FieldReview, ReviewReason

    siti, ros = women(programme, facilitator, "Siti Aminah", "Rosnidar")
    group = GroupFactory(name="KUB Emping", programme=programme, facilitators=[facilitator], members=[siti, ros])
    product = LoanProductFactory(fund__programme=programme)
    # Rp 1.000.000 and Rp 2.000.000 disbursed 3 Jan 2026: instalments of 110.000 and 220.000, all due by now.
    siti_loan = LoanFactory(beneficiary=siti, product=product, group=group, principal=1_000_000, created_by=manager)
    ros_loan = LoanFactory(beneficiary=ros, product=product, group=group, principal=2_000_000, created_by=manager)
    # Paid at the office before her phone made its copy of the sheet.
    office = post_repayment(loan=siti_loan, amount=110_000, paid_on=dt.date(2026, 2, 5), recorded_by=coordinator)
    sheet_url = f"{live_server.url}{reverse('loans:collection_sheet', args=[group.pk])}"

    with phone() as context:
        tab = open_phone(context)
        sign_in(tab, live_server, facilitator, password)
        wait_until_ready(tab)
        context.set_offline(True)
        tab.goto(sheet_url)  # the copy her phone made
        expect(tab.get_by_role("heading", name="Lembar setoran")).to_be_visible()
        expect(tab.locator("[data-offline-text]")).to_contain_text("Tanpa sinyal")
        rows = tab.get_by_test_id("sheet-row")
        expect(rows).to_have_count(2)
        expect(rows.filter(has_text="Siti Aminah").get_by_test_id("row-balance")).to_have_text("Rp 990.000")
        rows.filter(has_text="Siti Aminah").locator("input[data-amount]").fill("110.000")
        rows.filter(has_text="Siti Aminah").locator("input[name^=receipt]").fill("CS-1201")
        rows.filter(has_text="Rosnidar").locator("input[data-amount]").fill("220.000")
        shoot(tab, "field-day-6-sheet-offline")
        tab.locator("form[data-collection-sheet] button[type=submit]").click()
        expect(tab.locator(".outbox-kept")).to_contain_text("Tersimpan di ponsel — akan dikirim saat ada sinyal.")
        expect(badge(tab)).to_have_text("1")
        shoot(tab, "field-day-7-sheet-saved-on-the-phone")
        assert not Repayment.objects.filter(sheet__isnull=False).exists()

        # Meanwhile, at the office: the office payment turns out never to have been received.
        reverse_repayment(repayment=office, reason=REVERSAL_REASON, by=coordinator)

    with phone() as context:
        tab = open_phone(context)
        tab.goto(f"{live_server.url}/")
        expect(badge(tab)).to_be_hidden()
        tab.goto(f"{live_server.url}{reverse('outbox')}")
        expect(entry(tab)).to_have_count(1)
        expect(entry(tab)).to_contain_text("Terkirim")
        tab.goto(sheet_url)
        rows = tab.get_by_test_id("sheet-row")
        expect(rows.filter(has_text="Siti Aminah").get_by_test_id("row-balance")).to_have_text("Rp 990.000")
        expect(rows.filter(has_text="Rosnidar").get_by_test_id("row-balance")).to_have_text("Rp 1.980.000")
        shoot(tab, "field-day-8-sheet-sent")

    sheet = CollectionSheet.objects.get()
    assert sorted(
        (r.loan.beneficiary.full_name, r.amount, r.receipt_no, r.sheet_id) for r in Repayment.objects.all()
    ) == [
        ("Rosnidar", 220_000, "", sheet.pk),
        ("Siti Aminah", -110_000, "", None),
        ("Siti Aminah", 110_000, "", None),
        ("Siti Aminah", 110_000, "CS-1201", sheet.pk),
    ]
    for loan, left in ((siti_loan, 990_000), (ros_loan, 1_980_000)):
        assert sum(i.remaining for i in loan.instalments.all()) == left
    review = FieldReview.objects.get()
    assert (review.reason, review.loan, review.amount, review.detail, review.author, review.seen_at) == (
        ReviewReason.REPAYMENT_REVERSED,
        siti_loan,
        110_000,
        REVERSAL_REASON,
        facilitator,
        None,
    )

    # Her coordinator, on her own phone: the item is on the review list; she marks it seen.
    assert not coordinator.must_use_second_factor
    log_in(coordinator)
    page.goto(f"{live_server.url}{reverse('mentoring:review_list')}")
    expect(page.get_by_role("heading", name="Catatan lapangan untuk ditinjau")).to_be_visible()
    item = page.get_by_test_id("review-item")
    expect(item).to_have_count(1)
    expect(item.get_by_test_id("review-text")).to_contain_text(REVERSAL_REASON)
    expect(item).to_contain_text("Siti Aminah")
    expect(item.get_by_role("link", name=re.compile(r"Rp 110\.000"))).to_have_attribute(
        "href", reverse("loans:detail", args=[siti_loan.pk])
    )
    shoot(page, "field-day-9-review-list")
    item.get_by_role("button", name="Tandai sudah dilihat").click()
    expect(page.locator(".alert-success")).to_contain_text("Ditandai sudah dilihat.")
    expect(page.get_by_test_id("review-item")).to_have_count(0)
    expect(page.get_by_text("Tidak ada yang perlu ditinjau.")).to_be_visible()
    shoot(page, "field-day-10-review-seen")
    review.refresh_from_db()
    assert review.seen_by == coordinator and review.seen_at is not None


def test_logging_out_clears_her_offline_copy_but_keeps_unsent_entries_for_her(
    phone, live_server, facilitator, other_facilitator, programme, password
):
    from mentoring.models import Visit

    (siti,) = women(programme, facilitator, "Siti Aminah")
    women(programme, other_facilitator, "Yuliani")
    form_url = f"{live_server.url}{reverse('mentoring:visit_create', args=[siti.pk])}"
    posts_refused = re.compile(r".*/kunjungan/$")

    def refuse_posts(route):
        route.abort() if route.request.method == "POST" else route.continue_()

    with phone() as context:
        page = open_phone(context)
        sign_in(page, live_server, facilitator, password)
        wait_until_ready(page)
        assert "pekka-pages" in cache_names(page)
        page.goto(form_url)
        key = page.locator("input[name=client_uuid]").input_value()
        context.set_offline(True)
        page.locator("#id_actions").fill("Menghitung modal")
        page.locator("[data-draft-submit]").click()
        expect(badge(page)).to_have_text("1")
        # The signal comes back too weak to carry the visit: it still waits when she logs out.
        context.route(posts_refused, refuse_posts)
        context.set_offline(False)
        page.goto(f"{live_server.url}/")
        expect(badge(page)).to_have_text("1")
        log_out(page)
        dialog = page.locator("#outbox-logout")
        expect(dialog).to_contain_text("Ada 1 catatan belum terkirim.")
        dialog.get_by_role("button", name="Keluar saja").click()
        expect(page.get_by_role("button", name="Masuk")).to_be_visible()
        page.wait_for_function("async () => !(await caches.has('pekka-pages'))")
        assert "pekka-pages" not in cache_names(page)
        assert page.evaluate("window.pekkaOffline.status()") is None
        context.unroute(posts_refused, refuse_posts)  # from here on, whatever is sent reaches the server

        # Another facilitator on the same phone: the entry is not sent as hers, nor counted on her badge.
        sign_in(page, live_server, other_facilitator, password)
        wait_until_ready(page)  # before leaving the page: a preparation cut short is not resumed by the next page
        expect(page.locator("[data-offline-text]")).to_contain_text("Siap offline · 1 penerima")  # her own copy
        assert [w["name"] for w in page.evaluate("window.pekkaOffline.index()")] == ["Yuliani"]
        assert page.evaluate("window.pekkaOutbox.flush()")["sent"] == 0
        expect(badge(page)).to_be_hidden()
        page.goto(f"{live_server.url}{reverse('outbox')}")
        expect(entry(page)).to_have_count(0)
        expect(page.locator("[data-outbox-others]")).to_have_text(
            "1 catatan pengguna lain menunggu di ponsel ini; dikirim saat ia masuk."
        )
        shoot(page, "field-day-11-another-user-on-the-phone")
        assert page.evaluate("window.pekkaOutbox.flush()")["sent"] == 0
        assert Visit.objects.count() == 0
        log_out(page)
        expect(page.get_by_role("button", name="Masuk")).to_be_visible()

        # She logs in again: the visit is sent, as hers. (Her copy is prepared once it is: the test database is an
        # in-memory SQLite that answers "database table is locked" to requests at the same moment, which a 500 and
        # a retry 30 s later would survive on a phone but not within this test.)
        context.route("**/lapangan/siap.json", lambda route: route.abort())
        sign_in(page, live_server, facilitator, password)
        expect(badge(page)).to_be_hidden()
        context.unroute("**/lapangan/siap.json")
        page.goto(f"{live_server.url}{reverse('outbox')}")
        expect(entry(page)).to_have_count(1)
        expect(entry(page)).to_contain_text("Terkirim")
        wait_until_ready(page)
        expect(page.locator("[data-offline-text]")).to_contain_text("Siap offline · 1 penerima")
        shoot(page, "field-day-12-sent-when-she-is-back")

    visit = Visit.objects.get()
    assert (str(visit.client_uuid), visit.author, visit.beneficiary) == (key, facilitator, siti)
