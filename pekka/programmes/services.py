from django.db import transaction
from django.utils import timezone

from pekka.permissions import can_assign_programme_staff, require

from .models import Programme, ProgrammeStaff


@transaction.atomic
def set_programme_staff(*, programme: Programme, users) -> None:
    """Makes ``users`` the programme's staff: new people are assigned today, those left out are unassigned."""
    wanted = {u.pk for u in users}
    current = set(programme.assignments.values_list("user_id", flat=True))
    programme.assignments.filter(user_id__in=current - wanted).delete()
    today = timezone.localdate()
    ProgrammeStaff.objects.bulk_create(
        [ProgrammeStaff(programme=programme, user_id=pk, assigned_on=today) for pk in wanted - current]
    )


@transaction.atomic
def save_programme(*, form, by) -> Programme:
    """Saves a validated ProgrammeForm: the programme row, its working areas and, when the form has them, its
    staff, together. Only an administrator may change the staff (PermissionDenied otherwise)."""
    if "staff" in form.cleaned_data:
        require(can_assign_programme_staff(by))
    programme = form.save()
    programme.areas.set(form.cleaned_data["areas"])
    if "staff" in form.cleaned_data:
        set_programme_staff(programme=programme, users=form.cleaned_data["staff"])
    return programme
