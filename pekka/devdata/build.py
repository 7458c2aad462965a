"""The demo world: staff, programmes, then each domain's step, in the order their records depend on each other."""

from django.contrib.auth import get_user_model
from django.db import transaction

from pekka.programmes.models import Programme

from .groups import seed_groups
from .loans import seed_loans
from .mentoring import seed_mentoring
from .pasuruan import seed_pasuruan
from .registry import seed_registry
from .staff import DEMO_PROGRAMMES, DEMO_USERS, seed_programmes, seed_users


class NotADemoDatabase(RuntimeError):
    """The database holds records that are not the demo's, so building the demo there was refused."""


def foreign_records() -> list[str]:
    """What in the database is not the demo's: users other than the demo's staff (a demo username with another
    e-mail address is somebody real) and programmes other than the demo's. Empty on an empty or demo database."""
    demo_users = {spec.username: f"{spec.username}@pekka.example" for spec in DEMO_USERS}
    others = [
        username
        for username, email in get_user_model().objects.values_list("username", "email")
        if username not in demo_users or email not in ("", demo_users[username])
    ]
    programmes = list(
        Programme.objects.exclude(name__in=[spec.name for spec in DEMO_PROGRAMMES]).values_list("name", flat=True)
    )
    found = []
    if others:
        found.append(f"{len(others)} user(s) who are not the demo's ({', '.join(sorted(others)[:5])})")
    if programmes:
        found.append(f"{len(programmes)} programme(s) that are not the demo's ({', '.join(sorted(programmes)[:5])})")
    return found


@transaction.atomic
def build_demo(*, password: str, force: bool = False) -> dict[str, int]:
    """Builds (or refreshes) the whole demo world and returns how many rows of each kind it holds.

    The demo resets its users' passwords and adds made-up women, so it refuses a database that holds anything else
    (``NotADemoDatabase``) unless ``force``."""
    found = foreign_records()
    if found and not force:
        raise NotADemoDatabase(
            "This database is not a demo database: it holds "
            + " and ".join(found)
            + ". seed_demo would reset the demo users' passwords and add made-up records to it. "
            "Point DATABASE_URL at an empty database, or run `manage.py seed_demo --force` if you really mean this one."
        )
    users = seed_users(password=password)
    programmes = seed_programmes(users=users)
    counts = {"users": len(users), "programmes": len(programmes)}
    counts.update(seed_registry(programmes=programmes, users=users))
    counts.update(seed_groups(programmes=programmes, users=users))
    counts.update(seed_mentoring(programmes=programmes, users=users))
    counts.update(seed_loans(programmes=programmes, users=users))
    counts.update(seed_pasuruan(programmes=programmes, users=users))
    return counts
