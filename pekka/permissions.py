"""Who may do what. Visibility ("which rows may this user see") lives in each model's ``visible_to()``
queryset method and starts from ``programme_ids_visible_to``; action rights are the ``can_*`` functions here.
Out of scope answers 404 (the row is not in ``visible_to``); in scope but beyond the role answers 403
(``require`` raises PermissionDenied).

This module is the bottom of the project: it imports no model and no other project module, so every model
(``pekka.programmes`` included) builds its ``visible_to()`` on it. What it needs to ask the database it asks
through the objects it is handed (a user's ``programme_assignments``, a programme's ``staff``).
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone


def require(ok: bool) -> None:
    """Raises PermissionDenied (403) unless ``ok``."""
    if not ok:
        raise PermissionDenied


def is_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_admin)


def programme_ids_visible_to(user):
    """Ids of the programmes a user works in (a subquery); admins are not limited and get None."""
    if is_admin(user):
        return None
    return user.programme_assignments.values("programme_id")


def can_manage_programmes(user) -> bool:
    """Creating programmes and assigning staff is an administrator's job."""
    return is_admin(user)


def can_assign_programme_staff(user) -> bool:
    """Staff assignments decide what everybody sees, so only an administrator changes a programme's staff."""
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


def can_review_duplicates(user) -> bool:
    """Admins, managers and coordinators review possible duplicates; facilitators do not."""
    return is_admin(user) or user.is_manager or user.is_coordinator


def can_merge_beneficiaries(user) -> bool:
    """Merging deletes a record, so only an administrator may do it."""
    return is_admin(user)


# --- groups ---
def can_create_groups(user) -> bool:
    """Everybody working in a programme forms groups; a facilitator then accompanies the group she formed."""
    return user.is_authenticated


def can_edit_group(user, group) -> bool:
    """Whoever sees a group (its facilitators, its programme's staff, admins) keeps its members and meetings."""
    return user.is_authenticated


def can_assign_group_facilitators(user) -> bool:
    """A group's facilitators see its members, so coordinators, managers and admins choose them; a facilitator
    who forms a group accompanies it without choosing."""
    return is_admin(user) or user.is_manager or user.is_coordinator


def can_change_group_status(user, group) -> bool:
    """Declaring a group active, independent or dissolved is a coordinator's, manager's or admin's decision."""
    return is_admin(user) or user.is_manager or user.is_coordinator


# --- mentoring ---


def can_record_visit(user, subject) -> bool:
    """Whoever may see a woman or a group (her facilitator, her programmes' staff, admins) records visits to her."""
    return user.is_authenticated


def can_edit_visit(user, visit, *, now=None) -> bool:
    """The author edits her visit within the programme's edit window; afterwards only a coordinator (or a manager
    or an admin) corrects it, and the history keeps the change."""
    if is_admin(user) or user.is_manager or user.is_coordinator:
        return True
    return visit.author_id == user.pk and (now or timezone.now()) <= visit.edit_deadline()


def can_review_field_entries(user) -> bool:
    """The review list of what landed from the field after the world moved (a woman reassigned, a loan written off
    or repaid while the phone was offline): coordinators, managers and admins, who decide caseloads and loans."""
    return is_admin(user) or user.is_manager or user.is_coordinator


def can_complete_follow_up(user, follow_up) -> bool:
    """Its owner, the woman's facilitator, and coordinators, managers and admins tick a follow-up off."""
    if is_admin(user) or user.is_manager or user.is_coordinator or follow_up.owner_id == user.pk:
        return True
    return bool(follow_up.beneficiary_id and follow_up.beneficiary.facilitator_id == user.pk)


def can_manage_trainings(user) -> bool:
    """Coordinators, managers and admins plan trainings; facilitators take attendance for their caseload."""
    return is_admin(user) or user.is_manager or user.is_coordinator


def can_record_monitoring(user) -> bool:
    """Every role enters quarterly figures for the women it may see."""
    return user.is_authenticated


def can_import_monitoring(user) -> bool:
    """A spreadsheet of many women's figures: coordinators, managers and admins."""
    return is_admin(user) or user.is_manager or user.is_coordinator


# --- loans ---


def _works_in_programme(user, programme_id) -> bool:
    return user.programme_assignments.filter(programme_id=programme_id).exists()


def can_propose_loans(user) -> bool:
    """Everyone who works with women writes proposals: facilitators for their groups and caseload too."""
    return user.is_authenticated


def can_decide_proposal(user, proposal) -> bool:
    """Managers of the proposal's programme and admins decide, never the person who submitted it."""
    if proposal.submitted_by_id == user.pk:
        return False
    return is_admin(user) or (user.is_manager and _works_in_programme(user, proposal.product.fund.programme_id))


def can_disburse_proposal(user, proposal) -> bool:
    """Recording a disbursement is for managers of the programme and admins."""
    return is_admin(user) or (user.is_manager and _works_in_programme(user, proposal.product.fund.programme_id))


def can_post_repayment(user, loan) -> bool:
    """Whoever may see a loan records its repayments, facilitators included (collection sheets)."""
    return user.is_authenticated


def can_reverse_repayment(user, loan) -> bool:
    """Reversals: coordinators and managers of the loan's programme, and admins."""
    if is_admin(user):
        return True
    return (user.is_manager or user.is_coordinator) and _works_in_programme(user, loan.product.fund.programme_id)


def can_write_off_loan(user, loan) -> bool:
    """Writing off: managers of the loan's programme and admins."""
    return is_admin(user) or (user.is_manager and _works_in_programme(user, loan.product.fund.programme_id))


def can_record_grants(user) -> bool:
    """Capital grants are recorded by coordinators, managers and admins; facilitators see them."""
    return is_admin(user) or user.is_manager or user.is_coordinator


# --- dashboards and reports ---
def can_see_reports(user) -> bool:
    """Dashboards and programme reports are for coordinators, managers and admins; a facilitator has her day."""
    return is_admin(user) or user.is_manager or user.is_coordinator


# --- import ---
def can_import_beneficiaries(user) -> bool:
    """Importing beneficiary lists (upload, commit, history) is an administrator's job."""
    return is_admin(user)
