import pytest

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.groups.factories import GroupFactory


@pytest.fixture
def members(programme, facilitator):
    """Five women of the cast's programme in the facilitator's caseload."""
    return [BeneficiaryFactory(programme=programme, facilitator=facilitator) for _ in range(5)]


@pytest.fixture
def group(programme, facilitator, members):
    """The facilitator's group with the five women as plain members since 1 Sept 2025."""
    return GroupFactory(programme=programme, facilitators=[facilitator], members=members)


@pytest.fixture
def other_group(programme, other_facilitator):
    """A group of the same programme accompanied by the other facilitator only."""
    return GroupFactory(
        programme=programme,
        facilitators=[other_facilitator],
        members=[BeneficiaryFactory(programme=programme, facilitator=other_facilitator)],
    )
