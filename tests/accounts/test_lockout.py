"""django-axes: a username guessed at from one address is locked for a while, on both login pages."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = pytest.mark.django_db


def fail(client, url, username, times):
    for _ in range(times):
        client.post(url, {"username": username, "password": "salah"}, REMOTE_ADDR="10.0.0.7")


@pytest.mark.parametrize("url_name", ["accounts:login", "admin:login"])
def test_five_wrong_passwords_lock_the_username_with_a_time_to_try_again(
    client, facilitator, admin, password, url_name
):
    user = admin if url_name == "admin:login" else facilitator
    url = reverse(url_name)
    fail(client, url, user.username, 4)
    response = client.post(url, {"username": user.username, "password": "salah"}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Coba lagi setelah" in html
    # Even the right password is refused now, from that address.
    again = client.post(url, {"username": user.username, "password": password}, REMOTE_ADDR="10.0.0.7")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_still_let_her_in(client, facilitator, password):
    url = reverse("accounts:login")
    fail(client, url, "pendamping1", 4)
    response = client.post(url, {"username": "pendamping1", "password": password}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()  # a success clears the count


def test_the_lock_is_per_username_and_address(client, facilitator, other_facilitator, password):
    url = reverse("accounts:login")
    fail(client, url, "pendamping1", 5)
    other_user = client.post(url, {"username": "pendamping2", "password": password}, REMOTE_ADDR="10.0.0.7")
    assert other_user.status_code == 302
    client.post(reverse("accounts:logout"))
    other_place = client.post(url, {"username": "pendamping1", "password": password}, REMOTE_ADDR="10.0.0.8")
    assert other_place.status_code == 302


def test_the_limit_comes_from_the_settings(client, facilitator, settings):
    settings.AXES_FAILURE_LIMIT = 2
    url = reverse("accounts:login")
    fail(client, url, "pendamping1", 1)
    response = client.post(url, {"username": "pendamping1", "password": "salah"}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429


def test_an_admin_unlocks_by_deleting_the_attempt(client, login, facilitator, admin, password):
    url = reverse("accounts:login")
    fail(client, url, "pendamping1", 5)
    attempt = AccessAttempt.objects.get(username="pendamping1")
    admin_client = login(admin)
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert "pendamping1" in changelist.content.decode()
    admin_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    admin_client.post(reverse("accounts:logout"))
    assert not AccessAttempt.objects.exists()
    response = client.post(url, {"username": "pendamping1", "password": password}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 302


def test_behind_the_proxy_a_made_up_forwarded_address_does_not_escape_the_lock(client, facilitator, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    url = reverse("accounts:login")
    for n in range(5):
        client.post(
            url, {"username": "pendamping1", "password": "salah"}, HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.9"
        )
    response = client.post(
        url, {"username": "pendamping1", "password": "salah"}, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.9"
    )
    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
