"""The JSON searches behind the long pickers (pekka.widgets.RemoteSelect): only what the user may see."""

import pytest
from django.urls import reverse

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.groups.factories import GroupFactory

pytestmark = pytest.mark.django_db


def found(client, name, q):
    return [r["text"] for r in client.get(reverse(name), {"q": q}).json()["results"]]


def test_group_search_finds_her_groups_only(login, facilitator, other_facilitator, programme, other_programme):
    GroupFactory(programme=programme, name="KUB Sulaman Mawar", facilitators=[facilitator])
    GroupFactory(programme=programme, name="KUB Sulaman Melati", facilitators=[other_facilitator])
    GroupFactory(programme=other_programme, name="KUB Sulaman Kenanga")
    assert found(login(facilitator), "groups:search", "sulaman") == ["KUB Sulaman Mawar"]


def test_group_search_for_a_manager_covers_her_programmes(login, manager, programme, other_programme):
    GroupFactory(programme=programme, name="KUB Emping Ceria")
    GroupFactory(programme=other_programme, name="KUB Emping Jaya")
    assert found(login(manager), "groups:search", "emping") == ["KUB Emping Ceria"]
    assert found(login(manager), "groups:search", "e") == []  # one letter: nothing yet


def test_beneficiary_search_finds_only_women_she_may_see(login, facilitator, programme, other_facilitator):
    BeneficiaryFactory(full_name="Siti Rahmah", programme=programme, facilitator=facilitator)
    BeneficiaryFactory(full_name="Siti Rosmawati", programme=programme, facilitator=other_facilitator)
    assert found(login(facilitator), "beneficiaries:search", "siti") == ["Siti Rahmah"]


def test_the_searches_need_a_login(client):
    assert client.get(reverse("groups:search"), {"q": "kub"}).status_code == 302
    assert client.get(reverse("beneficiaries:search"), {"q": "siti"}).status_code == 302
