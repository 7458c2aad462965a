import pytest
from django.urls import reverse

from pekka.accounts.models import Role
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("url_name", ["programmes:list", "regions:search", "admin:index"])
def test_every_page_needs_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert "masuk" in response.url or "login" in response.url


def test_login_page_is_in_indonesian(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "Masuk" in html
    assert "Kata sandi" in html


def test_login_page_switches_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert response.status_code == 302
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html


def test_wrong_password_is_explained_and_nobody_logs_in(client, facilitator):
    response = client.post(reverse("accounts:login"), {"username": "pendamping1", "password": "salah"})
    assert response.status_code == 200
    assert "sandi yang benar" in response.content.decode().lower()
    assert "_auth_user_id" not in client.session


def test_login_with_the_right_password_lands_on_the_home_page(client, facilitator, password):
    response = client.post(reverse("accounts:login"), {"username": "pendamping1", "password": password})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(facilitator.pk)


@pytest.mark.parametrize(
    ("role", "expected_text", "not_expected"),
    [
        (Role.ADMIN, "Tambah pengguna", "Hari ini"),
        (Role.MANAGER, "Dasbor program", "Tambah pengguna"),
        (Role.COORDINATOR, "Program yang sedang berjalan", "Tambah pengguna"),
        (Role.FACILITATOR, "Hari ini", "Tambah pengguna"),
    ],
)
def test_each_role_gets_its_own_home_page(client, programme, role, expected_text, not_expected):
    """Smoke test: every role logs in and sees a home page made for it."""
    user = UserFactory(role=role)
    programme.assignments.create(user=user)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert expected_text in html
    assert not_expected not in html
    assert "PEKKA Bukittinggi" in html


def test_administration_link_only_for_admins(login, admin, facilitator):
    assert reverse("admin:index") in login(admin).get(reverse("home")).content.decode()
    assert reverse("admin:index") not in login(facilitator).get(reverse("home")).content.decode()


def test_non_admin_cannot_enter_the_django_admin(login, manager):
    response = login(manager).get(reverse("admin:index"))
    assert response.status_code == 302  # sent to the admin's own login: a manager is not staff


def test_admin_role_gets_into_the_django_admin(login, admin):
    assert admin.is_staff
    assert login(admin).get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_logout_needs_a_post_and_ends_the_session(login, facilitator):
    client = login(facilitator)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change(login, facilitator, password):
    client = login(facilitator)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "Sulaman-Garegeh-77",
            "new_password2": "Sulaman-Garegeh-77",
        },
    )
    assert response.status_code == 302
    facilitator.refresh_from_db()
    assert facilitator.check_password("Sulaman-Garegeh-77")


def test_password_change_with_wrong_old_password_changes_nothing(login, facilitator, password):
    client = login(facilitator)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "keliru",
            "new_password1": "Sulaman-Garegeh-77",
            "new_password2": "Sulaman-Garegeh-77",
        },
    )
    assert response.status_code == 200
    assert "salah" in response.content.decode().lower()
    facilitator.refresh_from_db()
    assert facilitator.check_password(password)


def test_unknown_page_is_a_friendly_404(login, facilitator):
    response = login(facilitator).get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_healthz_answers_without_login(client):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}
