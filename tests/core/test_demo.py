import pytest
from django.core.management import call_command

from pekka.accounts.models import User
from pekka.programmes.models import Programme

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_every_role_and_programme_and_is_idempotent(demo_regions):
    call_command("seed_demo", "--password", "demo-uji-123")
    call_command("seed_demo", "--password", "demo-uji-123")
    assert User.objects.count() == 7
    assert set(User.objects.values_list("role", flat=True)) == {
        "admin",
        "manager",
        "coordinator",
        "facilitator",
    }
    assert User.objects.get(username="pendamping1").check_password("demo-uji-123")
    assert Programme.objects.count() == 4
    bukittinggi = Programme.objects.get(short_name="PEKKA Bukittinggi")
    assert bukittinggi.areas.count() == 3
    assert set(bukittinggi.staff.values_list("username", flat=True)) == {
        "manajer",
        "koordinator",
        "pendamping1",
        "pendamping2",
    }
    assert Programme.objects.get(short_name="KPM Susukan").areas.count() == 6


def test_seed_demo_without_regions_says_what_to_do():
    with pytest.raises(RuntimeError, match="load_regions"):
        call_command("seed_demo")
