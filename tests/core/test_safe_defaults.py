"""Issue 15, safe defaults: no server on a built-in key, and no demo built over somebody's real data."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from pekka.accounts.models import User
from pekka.programmes.models import Programme
from tests.accounts.factories import UserFactory
from tests.programmes.factories import ProgrammeFactory


def _start_django(**env) -> subprocess.CompletedProcess:
    """Starts Django in a fresh interpreter with pekka.settings and only the environment given (plus PATH)."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "PYTEST_VERSION"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "pekka.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_secret_key_and_debug_off_the_app_refuses_to_start():
    done = _start_django()
    assert done.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in done.stderr
    assert "secrets.token_urlsafe(50)" in done.stderr  # it says how to make one
    assert "started" not in done.stdout


def test_with_a_secret_key_or_in_development_it_starts():
    assert _start_django(SECRET_KEY="a-real-key-" + "x" * 50).stdout.strip() == "started"
    assert _start_django(DEBUG="1").stdout.strip() == "started"


def test_old_keys_are_read_for_a_rotation():
    done = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "pekka.settings", "SECRET_KEY_FALLBACKS": "old-one, older-one"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == "['old-one', 'older-one']"


@pytest.mark.django_db
def test_seed_demo_refuses_a_database_with_other_users(demo_regions):
    real = UserFactory(username="bu.sari", role="manager")
    real.set_password("her-own-password")
    real.save()
    with pytest.raises(CommandError, match="not a demo database.*bu.sari.*--force"):
        call_command("seed_demo", "--password", "x")
    assert list(User.objects.values_list("username", flat=True)) == ["bu.sari"]
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_seed_demo_refuses_a_real_admin_named_admin(demo_regions):
    real = UserFactory(username="admin", role="admin", email="it@lembaga.or.id")
    real.set_password("her-own-password")
    real.save()
    with pytest.raises(CommandError, match="not a demo database"):
        call_command("seed_demo", "--password", "x")
    real.refresh_from_db()
    assert real.check_password("her-own-password")


@pytest.mark.django_db
def test_seed_demo_refuses_a_database_with_other_programmes(demo_regions):
    ProgrammeFactory(name="Program Nyata")
    with pytest.raises(CommandError, match="Program Nyata"):
        call_command("seed_demo", "--password", "x")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_with_force_builds_beside_other_data(demo_regions):
    UserFactory(username="bu.sari")
    call_command("seed_demo", "--password", "x", "--force")
    assert User.objects.filter(username="pendamping1").exists() and User.objects.filter(username="bu.sari").exists()
