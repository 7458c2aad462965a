"""What the loans app shows on other apps' pages. Each function renders one self-contained section (its own
queries, a fixed number of them) so the beneficiary page stays one template without knowing about loans."""


def beneficiary_sections(request, beneficiary) -> list[str]:
    """HTML sections for the beneficiary page (empty list when there is nothing to show)."""
    return []


def group_sections(request, group) -> list[str]:
    """HTML sections for a group's progress page (a fixed number of queries whatever the group's size)."""
    return []
