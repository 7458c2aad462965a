"""The demo world: staff, programmes, then each domain's step, in the order their records depend on each other."""

from django.db import transaction

from .groups import seed_groups
from .loans import seed_loans
from .mentoring import seed_mentoring
from .pasuruan import seed_pasuruan
from .registry import seed_registry
from .staff import seed_programmes, seed_users


@transaction.atomic
def build_demo(*, password: str) -> dict[str, int]:
    """Builds (or refreshes) the whole demo world and returns how many rows of each kind it holds."""
    users = seed_users(password=password)
    programmes = seed_programmes(users=users)
    counts = {"users": len(users), "programmes": len(programmes)}
    counts.update(seed_registry(programmes=programmes, users=users))
    counts.update(seed_groups(programmes=programmes, users=users))
    counts.update(seed_mentoring(programmes=programmes, users=users))
    counts.update(seed_loans(programmes=programmes, users=users))
    counts.update(seed_pasuruan(programmes=programmes, users=users))
    return counts
