import re

import pytest
from playwright.sync_api import expect

from pekka.programmes.models import Programme
from tests.regions.factories import garegeh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_facilitator_logs_in_on_a_phone_and_sees_her_day(page, live_server, log_in, facilitator, programme, shoot):
    page.goto(live_server.url)
    expect(page).to_have_url(re.compile(r"/akun/masuk/"))
    expect(page.get_by_role("heading", name="Masuk untuk melanjutkan")).to_be_visible()
    shoot("login-phone")
    log_in(facilitator)
    expect(page.get_by_role("heading", name="Halo, Nofrianti")).to_be_visible()
    expect(page.get_by_text("PEKKA Bukittinggi")).to_be_visible()
    shoot("home-facilitator-phone")
    # The menu folds away on a phone and opens with the toggler.
    nav_link = page.get_by_role("link", name="Program", exact=True)
    expect(nav_link).to_be_hidden()
    page.get_by_role("button", name="Buka menu").click()
    expect(nav_link).to_be_visible()


def test_login_page_switches_to_english_and_back(page, live_server):
    page.goto(f"{live_server.url}/akun/masuk/")
    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", name="Log in to continue")).to_be_visible()
    page.get_by_role("button", name="ID").click()
    expect(page.get_by_role("heading", name="Masuk untuk melanjutkan")).to_be_visible()


def test_region_picker_finds_a_kelurahan_with_its_parents(page, live_server, log_in, admin, shoot):
    garegeh()
    log_in(admin)
    page.goto(f"{live_server.url}/program/baru/")
    page.get_by_label("Nama").first.fill("Program Garegeh")
    page.locator("#id_start_date").fill("2026-01-05")
    picker = page.locator("#id_areas-ts-control")
    picker.click()
    picker.press_sequentially("Garegeh", delay=30)
    option = page.locator(".ts-dropdown .option", has_text="Kel. Garegeh")
    expect(option).to_be_visible()
    expect(option).to_contain_text("Mandiangin Koto Selayan, Kota Bukittinggi, Sumatera Barat")
    shoot("region-picker-phone")
    option.click()
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", name="Program Garegeh")).to_be_visible()
    expect(page.get_by_text("Kel. Garegeh")).to_be_visible()
    assert Programme.objects.get(name="Program Garegeh").areas.get().code == "13.75.02.1008"
