"""Logins on a phone: a manager's second factor, a recovery code that works once, forms sent once, and pages that
break no rule of the Content-Security-Policy."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from loans.models import Repayment
from pekka.accounts.services import confirm_totp_setup, start_totp_setup
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.browser.conftest import current_code
from tests.loans.factories import LoanFactory, LoanProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def type_password(page, live_server, user, password):
    page.goto(f"{live_server.url}/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def test_a_manager_sets_up_her_authenticator_on_first_login_and_then_signs_in_with_its_code(
    page, live_server, manager, programme, password, shoot
):
    type_password(page, live_server, manager, password)
    expect(page).to_have_url(re.compile(r"/akun/dua-langkah/pasang/"))
    expect(page.get_by_role("heading", name="Pasang masuk dua langkah")).to_be_visible()
    shoot("second-factor-setup-phone")
    secret = page.locator("[data-totp-secret]").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    assert secret == device.config_url.split("secret=")[1].split("&")[0]
    page.get_by_label("Kode dari aplikasi").fill(current_code(device))
    page.get_by_role("button", name="Aktifkan masuk dua langkah").click()

    expect(page.get_by_role("heading", name="Kode pemulihan Anda")).to_be_visible()
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    shoot("recovery-codes-phone")
    page.get_by_role("link", name="Sudah saya catat").click()
    expect(page.get_by_role("heading", name="Dasbor program")).to_be_visible()

    # Next time: password, then the code the app shows.
    page.get_by_role("button", name="Buka menu").click()
    page.locator("#mainNav .dropdown-toggle:has(.bi-person-circle)").click()
    page.locator("form[data-logout] button").click()
    page.wait_for_url(re.compile(r"/akun/masuk/"))  # the logout clears her offline copy first, then lands here
    type_password(page, live_server, manager, password)
    expect(page).to_have_url(re.compile(r"/akun/dua-langkah/\?"))
    device.refresh_from_db()
    device.last_t = -1  # the test types the same 30-second code again; a phone would show the next one
    device.save()
    page.get_by_label("Kode").fill(current_code(device))
    shoot("second-factor-code-phone")
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_role("heading", name="Dasbor program")).to_be_visible()


def test_a_recovery_code_signs_her_in_once(page, live_server, manager, programme, password):
    device = start_totp_setup(user=manager)
    code = confirm_totp_setup(device=device, token=current_code(device))[0]
    type_password(page, live_server, manager, password)
    page.get_by_label("Kode").fill(code)
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_role("heading", name="Dasbor program")).to_be_visible()

    page.context.clear_cookies()
    type_password(page, live_server, manager, password)
    page.get_by_label("Kode").fill(code)
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_text("sudah dipakai")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/akun/dua-langkah/"))


def test_a_double_tap_on_save_sends_the_repayment_once(page, live_server, log_in, facilitator, manager, programme):
    borrower = BeneficiaryFactory(full_name="Siti Aminah", programme=programme, facilitator=facilitator)
    loan = LoanFactory(beneficiary=borrower, product=LoanProductFactory(fund__programme=programme), created_by=manager)
    log_in(facilitator)
    url = reverse("loans:repayment_create", args=[loan.pk])
    posts = []
    page.on("request", lambda request: request.method == "POST" and url in request.url and posts.append(request))
    page.goto(f"{live_server.url}{url}")
    page.get_by_label("Jumlah dibayar (Rp)").fill("110.000")
    page.locator("main form button[type=submit]").dblclick()
    expect(page).to_have_url(re.compile(rf"/pinjaman/{loan.pk}/$"))
    assert len(posts) == 1
    assert Repayment.objects.filter(loan=loan).count() == 1


def test_the_main_pages_break_no_content_security_policy_rule(page, live_server, log_in, admin, programme):
    violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and violations.append(msg.text))
    page.on("pageerror", lambda error: violations.append(str(error)))
    page.goto(f"{live_server.url}/akun/masuk/")
    log_in(admin)
    pages = ["/", "/program/", "/penerima-manfaat/", "/kelompok/", "/pinjaman/", "/pendampingan/", "/laporan/"]
    for url in [*pages, f"/laporan/program/{programme.pk}/"]:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
    assert violations == []
