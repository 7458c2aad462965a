"""Who may do what. Visibility ("which rows may this user see") lives in each model's ``visible_to()``
queryset method and starts from ``programme_ids_visible_to``; action rights are the ``can_*`` functions here.
Out of scope answers 404 (the row is not in ``visible_to``); in scope but beyond the role answers 403
(``require`` raises PermissionDenied).
"""

from django.core.exceptions import PermissionDenied


def require(ok: bool) -> None:
    """Raises PermissionDenied (403) unless ``ok``."""
    if not ok:
        raise PermissionDenied


def is_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_admin)


def programme_ids_visible_to(user):
    """Ids of the programmes a user works in (a subquery); admins are not limited and get None."""
    from pekka.programmes.models import ProgrammeStaff

    if is_admin(user):
        return None
    return ProgrammeStaff.objects.filter(user=user).values("programme_id")


def can_manage_programmes(user) -> bool:
    """Creating programmes and assigning staff is an administrator's job."""
    return is_admin(user)


def can_edit_programme(user, programme) -> bool:
    """Admins edit any programme; a manager edits the programmes she manages."""
    if is_admin(user):
        return True
    return user.is_manager and programme.staff.filter(pk=user.pk).exists()


def can_see_identifiers(user) -> bool:
    """Full NIK and KK numbers: admins, managers and coordinators; facilitators see them masked."""
    return is_admin(user) or user.is_manager or user.is_coordinator


def can_register_beneficiaries(user) -> bool:
    """Every role registers women: facilitators into their own caseload, the others into their programmes."""
    return user.is_authenticated


def can_edit_beneficiary(user, beneficiary) -> bool:
    """Whoever may see a beneficiary (her facilitator, her programmes' staff, admins) keeps her record current."""
    return user.is_authenticated


def can_assign_caseload(user) -> bool:
    """Coordinators, managers and admins decide which facilitator looks after whom."""
    return is_admin(user) or user.is_manager or user.is_coordinator
