import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from groups.models import Agreement, Membership
from groups.services import (
    add_agreement,
    add_members,
    change_group_status,
    record_meeting,
    remove_member,
    set_officers,
)
from tests.beneficiaries.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

D = dt.date


def roles(group, on):
    return {m.beneficiary_id: m.role for m in group.memberships.current(on=on)}


def test_officers_are_set_in_one_step_and_history_is_kept(group, members, facilitator):
    # Given five members; when three become officers on 1 Oct and the chair is replaced on 1 Dec
    a, b, c, d, _e = members
    set_officers(group=group, officers={"chair": a, "secretary": b, "treasurer": c}, on=D(2025, 10, 1), by=facilitator)
    set_officers(group=group, officers={"chair": d}, on=D(2025, 12, 1), by=facilitator)

    # Then on each day the roles are what they were, and every stretch is a row
    assert roles(group, D(2025, 9, 15))[a.pk] == "member"
    assert roles(group, D(2025, 11, 1)) == {
        a.pk: "chair",
        b.pk: "secretary",
        c.pk: "treasurer",
        d.pk: "member",
        _e.pk: "member",
    }
    now = roles(group, D(2025, 12, 2))
    assert now[d.pk] == "chair" and now[a.pk] == "member"
    assert now[b.pk] == "secretary" and now[c.pk] == "treasurer"  # offices not mentioned keep their holder
    a_rows = list(
        group.memberships.filter(beneficiary=a).order_by("joined_on").values_list("role", "joined_on", "left_on")
    )
    assert a_rows == [
        ("member", D(2025, 9, 1), D(2025, 10, 1)),
        ("chair", D(2025, 10, 1), D(2025, 12, 1)),
        ("member", D(2025, 12, 1), None),
    ]


def test_an_office_can_be_left_vacant(group, members, facilitator):
    a = members[0]
    set_officers(group=group, officers={"chair": a}, on=D(2025, 10, 1), by=facilitator)
    set_officers(group=group, officers={"chair": None}, on=D(2025, 11, 1), by=facilitator)
    assert "chair" not in roles(group, D(2025, 11, 2)).values()


def test_one_person_cannot_hold_two_offices(group, members, facilitator):
    with pytest.raises(ValidationError, match="dua jabatan"):
        set_officers(
            group=group, officers={"chair": members[0], "treasurer": members[0]}, on=D(2025, 10, 1), by=facilitator
        )


def test_an_officer_must_be_a_member(group, programme, facilitator):
    outsider = BeneficiaryFactory(programme=programme)
    with pytest.raises(ValidationError, match="bukan anggota"):
        set_officers(group=group, officers={"chair": outsider}, on=D(2025, 10, 1), by=facilitator)


def test_the_database_refuses_a_second_open_chair(group, members):
    # Given a chair; when a second open chair row is written behind the services' back, the constraint refuses it
    Membership.objects.filter(group=group, beneficiary=members[0]).update(role="chair")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(group=group, beneficiary=members[1]).update(role="chair")
    # …while a closed chair row (history) next to an open one is fine
    Membership.objects.create(
        group=group, beneficiary=members[1], role="chair", joined_on=D(2025, 1, 1), left_on=D(2025, 2, 1)
    )


def test_the_database_refuses_two_open_memberships_of_one_woman(group, members):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(group=group, beneficiary=members[0], joined_on=D(2025, 10, 1))


def test_leaving_keeps_the_row_and_she_is_no_longer_current(group, members, facilitator):
    row = group.memberships.get(beneficiary=members[0])
    remove_member(membership=row, left_on=D(2025, 11, 30), reason="Pindah ke Padang", by=facilitator)
    assert members[0].pk in roles(group, D(2025, 11, 29))
    assert members[0].pk not in roles(group, D(2025, 11, 30))
    row.refresh_from_db()
    assert (row.left_on, row.leaving_reason) == (D(2025, 11, 30), "Pindah ke Padang")
    # She may join again later: a new row, the old one stays
    add_members(group=group, beneficiaries=[members[0]], joined_on=D(2026, 2, 1), by=facilitator)
    assert group.memberships.filter(beneficiary=members[0]).count() == 2


def test_only_women_of_the_groups_programme_can_join(group, other_programme, facilitator):
    stranger = BeneficiaryFactory(programme=other_programme, full_name="Siti Orang Lain")
    with pytest.raises(ValidationError, match="Siti Orang Lain"):
        add_members(group=group, beneficiaries=[stranger], joined_on=D(2025, 10, 1), by=facilitator)
    assert not group.memberships.filter(beneficiary=stranger).exists()


def test_a_woman_may_belong_to_two_groups(group, other_group, members, facilitator):
    add_members(group=other_group, beneficiaries=[members[0]], joined_on=D(2025, 10, 1), by=facilitator)
    assert members[0].group_memberships.open().count() == 2


def test_a_meeting_counts_only_members_of_that_day(group, members, programme, facilitator):
    late = BeneficiaryFactory(programme=programme)
    add_members(group=group, beneficiaries=[late], joined_on=D(2025, 12, 1), by=facilitator)
    with pytest.raises(ValidationError):
        record_meeting(group=group, held_on=D(2025, 11, 1), topic="Rapat", attendees=[members[0], late], by=facilitator)
    meeting = record_meeting(
        group=group, held_on=D(2025, 12, 5), topic="Rapat", attendees=[members[0], late], by=facilitator
    )
    assert set(meeting.attendees.all()) == {members[0], late}


def test_dissolving_needs_a_reason_and_ends_every_membership(group, manager):
    with pytest.raises(ValidationError):
        change_group_status(group=group, status="dissolved", on=D(2026, 1, 1), reason=" ", by=manager)
    change_group_status(group=group, status="dissolved", on=D(2026, 1, 1), reason="Anggota pindah", by=manager)
    assert not group.memberships.current(on=D(2026, 1, 2)).exists()
    with pytest.raises(ValidationError):  # nothing comes after dissolved
        change_group_status(group=group, status="active", on=D(2026, 2, 1), by=manager)


def test_a_new_price_replaces_the_old_one_and_keeps_it(group, facilitator):
    add_agreement(
        group=group,
        kind="price",
        subject="Emping melinjo",
        unit="kg",
        amount=55000,
        agreed_on=D(2025, 9, 1),
        by=facilitator,
    )
    add_agreement(
        group=group,
        kind="price",
        subject="emping melinjo ",
        unit="kg",
        amount=60000,
        agreed_on=D(2026, 1, 1),
        by=facilitator,
    )
    rows = list(Agreement.objects.filter(group=group).order_by("agreed_on").values_list("amount", "ended_on"))
    assert rows == [(55000, D(2026, 1, 1)), (60000, None)]
