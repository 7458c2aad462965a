"""The fixed cast every test uses: one of each role, in one programme, plus a second facilitator and a
programme none of them works in, so that each permission test reads the same way."""

import django.test
import pytest

from pekka.accounts.models import Role
from tests.accounts.factories import PASSWORD, UserFactory
from tests.programmes.factories import ProgrammeFactory


def pytest_configure(config):
    from django.conf import settings

    # The real hasher costs ~0.3 s per password by design; tests make dozens of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Background tasks run inline in tests, so a test sees their effect at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _indonesian(settings):
    settings.LANGUAGE_CODE = "id"


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", first_name="Admin", role=Role.ADMIN)


@pytest.fixture
def manager(db):
    return UserFactory(username="manajer", first_name="Yusnida", role=Role.MANAGER)


@pytest.fixture
def coordinator(db):
    return UserFactory(username="koordinator", first_name="Rahmi", role=Role.COORDINATOR)


@pytest.fixture
def facilitator(db):
    return UserFactory(username="pendamping1", first_name="Nofrianti", role=Role.FACILITATOR)


@pytest.fixture
def other_facilitator(db):
    return UserFactory(username="pendamping2", first_name="Desi", role=Role.FACILITATOR)


@pytest.fixture
def programme(manager, coordinator, facilitator, other_facilitator):
    """The cast's programme: everybody but the admin works in it."""
    return ProgrammeFactory(name="PEKKA Bukittinggi", staff=[manager, coordinator, facilitator, other_facilitator])


@pytest.fixture
def other_programme(db):
    """A programme with its own manager and facilitator, none of the cast."""
    return ProgrammeFactory(
        name="KPM Susukan",
        staff=[UserFactory(role=Role.MANAGER), UserFactory(role=Role.FACILITATOR)],
    )


class Client(django.test.Client):
    """The test client, whose force_login also passes the second factor for the roles that must have one (with
    an authenticator made for her), as if she had typed its code: the tests of the second factor itself use
    django.test.Client."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if user.must_use_second_factor:
            pass_second_factor(self, user)


def pass_second_factor(client, user):
    """Marks the client's session as verified by an authenticator of ``user`` (made confirmed if she has none)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def login(client):
    """login(user) logs the test client in as ``user`` and returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def beneficiary(programme, facilitator):
    """In the cast's programme, in the facilitator's caseload."""
    from tests.beneficiaries.factories import BeneficiaryFactory

    return BeneficiaryFactory(full_name="Siti Aminah", programme=programme, facilitator=facilitator)


@pytest.fixture
def other_beneficiary(programme, other_facilitator):
    """Same programme, the other facilitator's caseload."""
    from tests.beneficiaries.factories import BeneficiaryFactory

    return BeneficiaryFactory(full_name="Rosmaini", programme=programme, facilitator=other_facilitator)


@pytest.fixture
def foreign_beneficiary(other_programme):
    """In a programme none of the cast works in."""
    from tests.beneficiaries.factories import BeneficiaryFactory

    return BeneficiaryFactory(full_name="Sumiyati", programme=other_programme)


@pytest.fixture
def demo_regions(db):
    """Every region the demo world needs, with real-shaped parents (codes only; names are placeholders)."""
    from pekka.devdata.places import PASURUAN_VILLAGES
    from pekka.devdata.staff import DEMO_PROGRAMMES
    from tests.regions.factories import region_chain

    codes = {c for p in DEMO_PROGRAMMES for c in p.areas} | set(PASURUAN_VILLAGES)
    for code in codes:
        parts = code.split(".")
        region_chain(*[(".".join(parts[:n]), f"Wilayah {'.'.join(parts[:n])}") for n in range(1, len(parts) + 1)])
