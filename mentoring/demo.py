"""Demo data for mentoring."""


def seed_mentoring(*, programmes: dict, users: dict) -> dict[str, int]:
    """Creates the demo mentoring records (idempotent: running again changes nothing)."""
    return {}
