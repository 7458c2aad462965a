"""The second factor: required for administrators and managers, optional for the others, recovery codes once."""

import django.test
import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pekka.accounts.services import confirm_totp_setup, start_totp_setup

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password_login(user, password) -> django.test.Client:
    """A plain client (no shortcut past the second factor) that has typed the right password."""
    client = django.test.Client()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": password})
    assert response.status_code == 302
    return client


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


@pytest.mark.parametrize("url_name", ["home", "programmes:list", "admin:index"])
def test_a_manager_with_only_her_password_reaches_nothing(manager, programme, password, url_name):
    client = password_login(manager, password)
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:second_factor_verify"))


def test_an_admin_without_an_app_is_sent_to_set_one_up_and_then_gets_in(admin, password):
    client = password_login(admin, password)
    verify = client.get(reverse("admin:index"), follow=False)
    setup = client.get(verify.url)
    assert setup.status_code == 302
    assert setup.url.startswith(reverse("accounts:second_factor_setup"))
    page = client.get(setup.url)
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    html = page.content.decode()
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")
    assert "otpauth://totp/PEKKA%3Aadmin?secret=" in html

    response = client.post(setup.url, {"code": code_for(device), "next": "/admin/"})

    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and all(code in response.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_wrong_code_at_setup_confirms_nothing(manager, password):
    client = password_login(manager, password)
    client.get(reverse("accounts:second_factor_setup"))
    device = TOTPDevice.objects.get(user=manager)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:second_factor_setup"), {"code": wrong})
    assert response.status_code == 200
    assert "Kode itu salah" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("home")).status_code == 302


def test_a_manager_with_an_app_types_its_code_and_gets_in(manager, programme, password):
    device = confirmed_device(manager)
    client = password_login(manager, password)
    response = client.post(reverse("accounts:second_factor_verify"), {"code": code_for(device), "next": "/program/"})
    assert response.status_code == 302
    assert response.url == "/program/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("home")).status_code == 200


def test_a_manager_with_an_app_cannot_add_another_with_only_her_password(manager, password):
    """Otherwise the setup page would be a way round the code."""
    confirmed_device(manager)
    client = password_login(manager, password)
    response = client.get(reverse("accounts:second_factor_setup"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:second_factor_verify"))
    assert TOTPDevice.objects.filter(user=manager).count() == 1


def test_a_recovery_code_works_once(manager, programme, password):
    device = start_totp_setup(user=manager)
    codes = confirm_totp_setup(device=device, token=code_for(device))
    first = password_login(manager, password)
    assert first.post(reverse("accounts:second_factor_verify"), {"code": codes[0].upper()}).status_code == 302
    assert first.get(reverse("home")).status_code == 200

    second = password_login(manager, password)
    response = second.post(reverse("accounts:second_factor_verify"), {"code": codes[0]})
    assert response.status_code == 200
    assert "sudah dipakai" in response.content.decode()
    assert second.get(reverse("home")).status_code == 302
    assert StaticToken.objects.filter(device__user=manager).count() == 9


def test_a_facilitator_logs_in_with_her_password_only(facilitator, programme, password):
    client = password_login(facilitator, password)
    assert client.get(reverse("home")).status_code == 200


def test_a_facilitator_who_set_it_up_is_asked_for_her_code(facilitator, programme, password):
    device = confirmed_device(facilitator)
    client = password_login(facilitator, password)
    assert client.get(reverse("home")).url.startswith(reverse("accounts:second_factor_verify"))
    client.post(reverse("accounts:second_factor_verify"), {"code": code_for(device)})
    assert client.get(reverse("home")).status_code == 200


def test_a_facilitator_sets_it_up_from_her_menu(facilitator, programme, password):
    client = password_login(facilitator, password)
    assert reverse("accounts:second_factor_setup") in client.get(reverse("home")).content.decode()
    client.get(reverse("accounts:second_factor_setup"))
    device = TOTPDevice.objects.get(user=facilitator)
    response = client.post(reverse("accounts:second_factor_setup"), {"code": code_for(device)})
    assert len(response.context["codes"]) == 10
    assert StaticDevice.objects.get(user=facilitator).token_set.count() == 10
    assert client.get(reverse("home")).status_code == 200
    again = password_login(facilitator, password)
    assert again.get(reverse("home")).url.startswith(reverse("accounts:second_factor_verify"))


def test_new_recovery_codes_replace_the_old(manager, password):
    device = start_totp_setup(user=manager)
    old = confirm_totp_setup(device=device, token=code_for(device))
    client = password_login(manager, password)
    client.post(reverse("accounts:second_factor_verify"), {"code": old[0]})
    response = client.post(reverse("accounts:second_factor_setup"), {"action": "new_codes"})
    new = response.context["codes"]
    assert len(new) == 10
    assert set(StaticToken.objects.filter(device__user=manager).values_list("token", flat=True)) == set(new)


def test_an_unverified_manager_can_still_log_out(manager, password):
    client = password_login(manager, password)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_verify_never_redirects_off_site(manager, password):
    device = confirmed_device(manager)
    client = password_login(manager, password)
    response = client.post(
        reverse("accounts:second_factor_verify"), {"code": code_for(device), "next": "https://jahat.example/"}
    )
    assert response.url == reverse("home")
