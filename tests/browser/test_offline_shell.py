"""Issue 17 on a phone: a facilitator logs in, her phone prepares its offline copy, the signal goes, and her field
page, its search and her women's pages still open; a new release offers "Versi baru tersedia — muat ulang".

A persistent Chromium profile, as a phone keeps its service worker and caches between pages."""

import re

import pytest
from playwright.sync_api import expect

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.browser.conftest import save_screenshot, sign_in
from tests.groups.factories import GroupFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(phone):
    """One opening of the persistent profile for the whole test."""
    with phone() as context:
        context.set_default_timeout(15000)
        yield context


def wait_until_ready(page):
    """Her copy is ready and the service worker controls the page."""
    expect(page.locator("[data-offline-text]")).to_contain_text("Siap offline", timeout=20000)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def worker_version(page):
    """The VERSION of the worker controlling the page, asked through a message channel."""
    return page.evaluate(
        """() => new Promise((resolve) => {
            const channel = new MessageChannel();
            channel.port1.onmessage = (event) => resolve(event.data);
            navigator.serviceWorker.controller.postMessage({type: "VERSION"}, [channel.port2]);
        })"""
    )


@pytest.fixture
def field(programme, facilitator):
    women = [
        BeneficiaryFactory(full_name=name, programme=programme, facilitator=facilitator)
        for name in ("Siti Aminah", "Rina Marlina", "Dewi Lestari")
    ]
    GroupFactory(name="KUB Sulaman Garegeh", programme=programme, facilitators=[facilitator], members=women[:2])
    return women


def test_her_field_page_search_and_womens_pages_open_without_a_signal(
    phone, live_server, settings, facilitator, password, field, programme
):
    settings.PWA_NETWORK_TIMEOUT_SECONDS = 30  # online, pages come from the server, even on a slow machine
    page = phone.new_page()
    sign_in(page, live_server, facilitator, password)
    wait_until_ready(page)
    expect(page.locator("[data-offline-text]")).to_have_text(
        re.compile(r"Siap offline · 3 penerima · diperbarui \d\d\.\d\d")
    )
    save_screenshot(page, "offline-ready-phone")
    stored = page.evaluate(
        """async () => {
            const cache = await caches.open("pekka-pages");
            const entries = [];
            for (const request of await cache.keys()) {
                const response = await cache.match(request);
                entries.push({packed: response.headers.get("X-Pekka-Stored"), bytes: (await response.blob()).size});
            }
            return entries;
        }"""
    )
    # Kept gzipped, so that 330 women fit the 10 MB: a page of some 25 kB is stored in a few.
    assert len(stored) >= 10 and {entry["packed"] for entry in stored} == {"gzip"}
    assert sum(entry["bytes"] for entry in stored) / len(stored) < 8000

    phone.set_offline(True)
    # Registered after she went offline: a page from the server would list her, the kept copy does not.
    BeneficiaryFactory(full_name="Wati Baru", programme=programme, facilitator=facilitator)
    page.goto(f"{live_server.url}/lapangan/")
    expect(page.get_by_role("heading", name="Halaman lapangan saya")).to_be_visible()
    expect(page.locator("[data-offline-text]")).to_contain_text("Tanpa sinyal")
    women = page.get_by_test_id("field-women")
    expect(women.locator("li:visible")).to_have_count(3)
    expect(women).not_to_contain_text("Wati Baru")

    page.get_by_placeholder("Cari nama atau desa").fill("marl")
    expect(women.locator("li:visible")).to_have_count(1)
    expect(women.locator("li:visible")).to_contain_text("Rina Marlina")
    save_screenshot(page, "offline-field-search-phone")

    women.get_by_role("link", name="Rina Marlina").click()
    expect(page.get_by_role("heading", name="Rina Marlina")).to_be_visible()
    save_screenshot(page, "offline-beneficiary-phone")

    # A page never kept shows the offline page, not the browser's error.
    page.goto(f"{live_server.url}/pinjaman/")
    expect(page.get_by_role("heading", name="Tidak ada sinyal")).to_be_visible()
    save_screenshot(page, "offline-fallback-phone")


def test_a_new_release_offers_to_reload_and_logging_out_clears_her_copy(
    phone, live_server, settings, facilitator, password, field
):
    settings.PWA_NETWORK_TIMEOUT_SECONDS = 30
    page = phone.new_page()
    sign_in(page, live_server, facilitator, password)
    wait_until_ready(page)
    first = worker_version(page)

    settings.PWA_VERSION_SALT = "release-2"
    page.reload()
    banner = page.get_by_role("button", name="Versi baru tersedia — muat ulang")
    expect(banner).to_be_visible()
    save_screenshot(page, "update-banner-phone")
    page.evaluate("window.beforeReload = true")
    banner.click()
    # The new worker takes over and the page reloads once, on the new code.
    page.wait_for_function("() => window.beforeReload === undefined && document.readyState === 'complete'")
    expect(banner).to_be_hidden()
    assert worker_version(page) not in {first, None}

    assert page.evaluate("caches.has('pekka-pages')")
    page.get_by_role("button", name="Buka menu").click()
    page.locator("nav .dropdown-toggle").last.click()
    page.locator("form[action='/akun/keluar/'] button").click()
    expect(page.get_by_role("button", name="Masuk")).to_be_visible()
    page.wait_for_function("async () => !(await caches.has('pekka-pages'))")
    assert page.evaluate("window.pekkaOffline.status()") is None
