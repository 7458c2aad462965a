"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium), never a downloaded browser.

Without Chromium they skip with a message; with PEKKA_REQUIRE_BROWSER=1 (set by .ci/run) a missing browser fails.
"""

import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = os.environ.get("PEKKA_SCREENSHOTS")  # a folder: browser tests save what they see there
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Playwright's sync API runs an event loop in this thread; the live server's database work is still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    browser_items = [item for item in items if "browser" in item.keywords]
    if os.environ.get("PEKKA_REQUIRE_BROWSER") and browser_items:
        raise pytest.UsageError(f"PEKKA_REQUIRE_BROWSER is set but {CHROMIUM} is missing: apt-get install chromium")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found (apt-get install chromium): browser tests skipped")
    for item in browser_items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": BROWSER_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A phone: the facilitators' screen."""
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "locale": "id-ID"}


@pytest.fixture(autouse=True)
def _network_first_waits(settings):
    """The service worker serves a cached page when the network takes longer than PWA_NETWORK_TIMEOUT_SECONDS (1 s
    on a phone); a slow CI machine must never be shown a stale page, so browser tests wait for the server. The
    offline tests that test the cache path lower it themselves."""
    settings.PWA_NETWORK_TIMEOUT_SECONDS = 30


@pytest.fixture
def shoot(page):
    """shoot("name") saves a full-page screenshot when PEKKA_SCREENSHOTS names a folder."""

    return lambda name: save_screenshot(page, name)


def current_code(device) -> str:
    """The six digits the authenticator app holding ``device``'s secret shows now."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def log_in(page, live_server, password):
    """log_in(user) signs in through the real login form; an administrator or manager then types the code of an
    authenticator made for her (as her phone would show it)."""

    def _log_in(user):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = None
        if user.must_use_second_factor:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            device = device or TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)
        page.goto(f"{live_server.url}/akun/masuk/")
        page.get_by_label("Nama pengguna").fill(user.username)
        page.get_by_label("Kata sandi").fill(password)
        page.get_by_role("button", name="Masuk").click()
        if device:
            page.wait_for_url(re.compile(r"/akun/dua-langkah/"))
            page.get_by_label("Kode").fill(current_code(device))
            page.get_by_role("button", name="Lanjut").click()
        page.wait_for_url(f"{live_server.url}/")

    return _log_in


# --- a phone that keeps what it holds between openings (the offline tests, issue 17) ---


@pytest.fixture
def phone(playwright, tmp_path):
    """``with phone() as context``: the browser on one persistent profile (service worker, caches, IndexedDB and
    cookies kept between openings); leaving the block closes it, as she closes the browser."""
    profile = tmp_path / "profile"

    @contextmanager
    def _phone():
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(profile),
            executable_path=str(CHROMIUM),
            args=BROWSER_ARGS,
            viewport={"width": 390, "height": 844},
            locale="id-ID",
        )
        try:
            yield context
        finally:
            context.close()

    return _phone


def sign_in(page, live_server, user, password):
    """Through the login form, for a user without a second step (a facilitator, a coordinator), in a context of
    one's own; lands on her home page."""
    page.goto(f"{live_server.url}/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/")


def save_screenshot(page, name: str) -> None:
    """What ``shoot`` does, for any page (one of a persistent context's)."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)
