"""The outbox on a phone: what she records without a signal is kept in the browser's IndexedDB, survives closing
the browser (a persistent profile, opened again), and reaches the server exactly once when the phone is back online;
what the server refuses is shown as needing a fix, corrected and sent again; logging out with unsent records warns."""

import re
import struct
import zlib

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.browser.conftest import save_screenshot, sign_in
from tests.groups.factories import GroupFactory
from tests.loans.factories import LoanFactory, LoanProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png(width: int, height: int) -> bytes:
    """A PNG of a colour band per row (written by hand: no imaging library needed)."""
    rows = b"".join(b"\x00" + bytes((y % 256, 120, 200 - y % 200)) * width for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a JPEG's start-of-frame marker."""
    i = 2
    while i < len(data):
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    raise AssertionError("not a JPEG")


def badge(page):
    return page.locator("[data-outbox-count]")


def entry(page):
    return page.get_by_test_id("outbox-entry")


def test_a_visit_with_a_photo_kept_offline_survives_closing_the_browser_and_lands_once(
    phone, live_server, facilitator, programme, password
):
    from mentoring.models import Visit

    siti = BeneficiaryFactory(full_name="Siti Aminah", programme=programme, facilitator=facilitator)
    form_url = f"{live_server.url}{reverse('mentoring:visit_create', args=[siti.pk])}"
    with phone() as context:
        page = context.new_page()
        sign_in(page, live_server, facilitator, password)
        page.goto(form_url)
        key = page.locator("input[name=client_uuid]").input_value()
        # No signal: the visit and its photo go into the outbox.
        context.set_offline(True)
        page.locator("#id_actions").fill("Membuat label kemasan")
        page.locator("#id_photos").set_input_files(
            files=[{"name": "warung.png", "mimeType": "image/png", "buffer": png(2000, 1500)}]
        )
        page.locator("[data-draft-submit]").click()
        expect(page.locator("[data-draft-banner]")).to_have_class("alert alert-warning draft-banner")
        expect(page.locator("[data-draft-banner]")).to_contain_text(
            "Tersimpan di ponsel — akan dikirim saat ada sinyal"
        )
        expect(badge(page)).to_have_text("1")
        # A signal too weak to carry it: the entry stays waiting, listed on the outbox page.
        context.route(
            re.compile(r".*/kunjungan/$"), lambda r: r.abort() if r.request.method == "POST" else r.continue_()
        )
        context.set_offline(False)
        page.goto(f"{live_server.url}{reverse('outbox')}")
        expect(entry(page)).to_have_count(1)
        expect(entry(page)).to_contain_text("Kunjungan · Siti Aminah")
        expect(entry(page)).to_contain_text("Menunggu")
        expect(badge(page)).to_have_text("1")
        expect(page.get_by_test_id("outbox-persist")).not_to_have_text("—")
        save_screenshot(page, "outbox-waiting-phone")
        # Logging out with it unsent warns first.
        page.locator(".navbar-toggler").click()
        page.locator("#mainNav .dropdown-toggle:has(.bi-person-circle)").click()
        page.locator("form[data-logout] button").click()
        dialog = page.locator("#outbox-logout")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("Ada 1 catatan belum terkirim.")
        expect(dialog.get_by_role("button", name="Kirim dulu")).to_be_visible()
        expect(dialog.get_by_role("button", name="Keluar saja")).to_be_visible()
        expect(dialog).to_have_class(re.compile(r"\bshow\b"))
        expect(page.locator("#mainNav")).not_to_have_class(re.compile(r"\bshow\b"))
        page.wait_for_timeout(400)  # the dialog's fade-in, for the picture
        save_screenshot(page, "outbox-logout-warning-phone")
        assert Visit.objects.count() == 0

    # The browser opened again, with a signal: the visit is sent by itself, once.
    with phone() as context:
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        expect(badge(page)).to_be_hidden()
        page.goto(f"{live_server.url}{reverse('outbox')}")
        expect(entry(page)).to_contain_text("Terkirim")
        expect(page.get_by_test_id("outbox-last-sync")).not_to_have_text("—")
        save_screenshot(page, "outbox-sent-phone")
        page.reload()
        expect(entry(page)).to_have_count(1)

    visit = Visit.objects.get()
    assert str(visit.client_uuid) == key and visit.actions == ["Membuat label kemasan"]
    photo = visit.photos.get()
    with photo.image.open("rb") as stored:
        assert jpeg_size(stored.read()) == (1280, 960)  # resized on the phone before it was kept


def test_a_collection_sheet_kept_offline_is_posted_once_with_the_right_balances(
    phone, live_server, facilitator, manager, programme, password
):
    from loans.models import CollectionSheet, Repayment

    siti = BeneficiaryFactory(full_name="Siti Aminah", programme=programme, facilitator=facilitator)
    ros = BeneficiaryFactory(full_name="Rosnidar", programme=programme, facilitator=facilitator)
    group = GroupFactory(name="KUB Emping", programme=programme, facilitators=[facilitator], members=[siti, ros])
    product = LoanProductFactory(fund__programme=programme)
    LoanFactory(beneficiary=siti, product=product, group=group, principal=1_000_000, created_by=manager)
    LoanFactory(beneficiary=ros, product=product, group=group, principal=2_000_000, created_by=manager)
    sheet_url = f"{live_server.url}{reverse('loans:collection_sheet', args=[group.pk])}?paid_on=2026-02-03"
    with phone() as context:
        page = context.new_page()
        sign_in(page, live_server, facilitator, password)
        page.goto(sheet_url)
        context.set_offline(True)
        rows = page.get_by_test_id("sheet-row")
        rows.filter(has_text="Rosnidar").locator("input[data-amount]").fill("100.000")
        rows.filter(has_text="Siti Aminah").locator("input[name^=receipt]").fill("CS-0201")
        page.locator("form[data-collection-sheet] button[type=submit]").click()
        expect(page.locator(".outbox-kept")).to_contain_text("Tersimpan di ponsel — akan dikirim saat ada sinyal.")
        expect(badge(page)).to_have_text("1")
        assert Repayment.objects.count() == 0

    with phone() as context:
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        # The badge starts hidden: the outbox page says when the sheet is really sent.
        page.goto(f"{live_server.url}{reverse('outbox')}")
        expect(entry(page)).to_contain_text("Terkirim", timeout=20_000)
        expect(badge(page)).to_be_hidden()
        page.goto(sheet_url)
        rows = page.get_by_test_id("sheet-row")
        expect(rows.filter(has_text="Siti Aminah").get_by_test_id("row-balance")).to_have_text("Rp 990.000")
        expect(rows.filter(has_text="Rosnidar").get_by_test_id("row-balance")).to_have_text("Rp 2.100.000")

    assert CollectionSheet.objects.count() == 1
    assert sorted((r.loan.beneficiary.full_name, r.amount, r.receipt_no) for r in Repayment.objects.all()) == [
        ("Rosnidar", 100_000, ""),
        ("Siti Aminah", 110_000, "CS-0201"),
    ]


def test_a_visit_the_server_refuses_needs_fixing_and_is_sent_again_under_its_key(
    page, context, live_server, log_in, facilitator, programme
):
    from mentoring.models import Visit

    siti = BeneficiaryFactory(full_name="Siti Aminah", programme=programme, facilitator=facilitator)
    log_in(facilitator)
    page.goto(f"{live_server.url}{reverse('mentoring:visit_create', args=[siti.pk])}")
    key = page.locator("input[name=client_uuid]").input_value()
    context.set_offline(True)
    page.locator("#id_visited_on").fill("")  # the server needs the date
    page.locator("#id_obstacles").fill("Modal kurang")
    page.locator("[data-draft-submit]").click()
    expect(badge(page)).to_have_text("1")
    context.set_offline(False)  # sent when the signal returns, and refused
    expect(page.locator(".outbox-fix")).to_be_visible()
    page.goto(f"{live_server.url}{reverse('outbox')}")
    refused = entry(page)
    expect(refused).to_contain_text("Perlu diperbaiki")
    expect(refused).to_contain_text("Server tidak menerimanya")
    expect(refused.locator(".outbox-errors")).to_contain_text("Tanggal: Bidang ini tidak boleh kosong.")
    expect(badge(page)).to_have_text("1")
    save_screenshot(page, "outbox-needs-fixing-phone")

    refused.get_by_role("link", name="Perbaiki").click()
    expect(page.locator("#id_obstacles")).to_have_value("Modal kurang")
    assert page.locator("input[name=client_uuid]").input_value() == key
    expect(page.locator(".outbox-fix")).to_be_visible()
    save_screenshot(page, "outbox-fix-form-phone")
    page.locator("#id_visited_on").fill("2026-03-02")
    page.locator("[data-draft-submit]").click()
    page.wait_for_url(re.compile(r"/pendampingan/kunjungan/\d+/$"))
    expect(page.locator(".alert-success")).to_contain_text("Kunjungan dicatat")
    visit = Visit.objects.get()
    assert str(visit.client_uuid) == key and visit.obstacles == "Modal kurang"
    page.goto(f"{live_server.url}{reverse('outbox')}")
    expect(entry(page)).to_contain_text("Terkirim")
    expect(badge(page)).to_be_hidden()
