"""What the groups app shows on other apps' pages. Each function renders one self-contained section (its own
queries, a fixed number of them) so the beneficiary page stays one template without knowing about groups."""


def beneficiary_sections(request, beneficiary) -> list[str]:
    """HTML sections for the beneficiary page (empty list when there is nothing to show)."""
    return []
