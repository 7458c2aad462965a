"""Background work of the registry: checking and committing uploaded beneficiary lists, and queueing that work.

Run by ``manage.py db_worker`` (django-tasks' database queue); tests run them at once. The upload pages queue work
through ``start_import``, ``recheck_import`` and ``request_commit`` here, next to the tasks they queue; the tasks
run the batch steps of ``beneficiaries.importing.batches``.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django_tasks import task

from .importing.batches import check_batch, commit_batch
from .models import ImportBatch, ImportStatus


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


def start_import(*, upload, programme, by, sheet: str = "") -> ImportBatch:
    """Keeps an uploaded file and queues its check in the background."""
    batch = ImportBatch.objects.create(
        programme=programme,
        file=upload,
        file_name=upload.name[:255],
        sheet=sheet.strip(),
        uploaded_by=by,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    check_import.enqueue(batch.pk)
    return batch


def recheck_import(*, batch: ImportBatch, sheet: str) -> None:
    """Checks a batch again, with another sheet of the workbook."""
    updated = ImportBatch.objects.filter(pk=batch.pk, status__in=[ImportStatus.CHECKED, ImportStatus.FAILED]).update(
        status=ImportStatus.QUEUED, sheet=sheet.strip(), progress=0, message=""
    )
    if updated:
        check_import.enqueue(batch.pk)


def request_commit(*, batch: ImportBatch, by, all_or_nothing: bool) -> bool:
    """Queues the commit of a checked batch; False if it is not (or no longer) waiting for one."""
    updated = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.COMMITTING, progress=0, message=""
    )
    if updated:
        commit_import_batch.enqueue(batch.pk, by.pk if by else None, all_or_nothing)
    return bool(updated)
