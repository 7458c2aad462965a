"""Background work of the registry: checking and committing uploaded beneficiary lists.

Run by ``manage.py db_worker`` (django-tasks' database queue); tests run them at once.
"""

from django.contrib.auth import get_user_model
from django_tasks import task

from .importing.services import check_batch, commit_batch
from .models import ImportBatch


@task()
def check_import(batch_id: int) -> None:
    """Reads and checks an uploaded beneficiary list, keeping its progress and report on the batch."""
    check_batch(batch=ImportBatch.objects.select_related("programme").get(pk=batch_id))


@task()
def commit_import_batch(batch_id: int, user_id: int | None, all_or_nothing: bool) -> None:
    """Writes a checked beneficiary list to the registry, all valid rows in one transaction."""
    by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    batch = ImportBatch.objects.select_related("programme").get(pk=batch_id)
    commit_batch(batch=batch, by=by, all_or_nothing=all_or_nothing)
