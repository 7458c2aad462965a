"""Background work of the registry: checking and committing uploaded beneficiary lists, queueing that work, and
deleting uploaded files once their retention period is over.

Run by ``manage.py db_worker`` (django-tasks' database queue); tests run them at once. The upload pages queue work
through ``start_import``, ``recheck_import`` and ``request_commit`` here, next to the tasks they queue; the tasks
run the batch steps of ``beneficiaries.importing.batches``.

django-tasks has no scheduler, so the purge rides on the work that creates files: every new upload queues
``purge_import_files_task`` behind its check, and ``manage.py purge_import_files`` runs the same purge (from cron,
for a deployment that imports rarely; docs/security.md).
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .importing.batches import check_batch, commit_batch, discard_plan
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
    purge_import_files_task.enqueue()
    return batch


def recheck_import(*, batch: ImportBatch, sheet: str) -> None:
    """Checks a batch again, with another sheet of the workbook."""
    updated = (
        ImportBatch.objects.filter(pk=batch.pk, status__in=[ImportStatus.CHECKED, ImportStatus.FAILED])
        .exclude(file="")  # its file was removed after the retention period
        .update(status=ImportStatus.QUEUED, sheet=sheet.strip(), progress=0, message="")
    )
    if updated:
        check_import.enqueue(batch.pk)


def request_commit(*, batch: ImportBatch, by, all_or_nothing: bool) -> bool:
    """Queues the commit of a checked batch; False if it is not (or no longer) waiting for one."""
    updated = (
        ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.CHECKED)
        .exclude(file="")
        .update(status=ImportStatus.COMMITTING, progress=0, message="")
    )
    if updated:
        commit_import_batch.enqueue(batch.pk, by.pk if by else None, all_or_nothing)
    return bool(updated)


# What the report keeps after the file is gone: counts and column names, no row (names, NIKs, cell values).
KEPT_REPORT_KEYS = ("kind", "counts", "columns", "unknown_columns", "error_count")


def purge_import_files(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Deletes the uploaded files of imports older than ``days`` (``IMPORT_FILE_RETENTION_DAYS``, 90): the batch
    stays as history with its counts, says that its file was removed and when, and its report keeps no row (the
    error file is made from the upload, so it goes too). A batch still being checked or imported is left alone; one
    checked but never imported can no longer be, and is marked failed. Returns how many files were removed."""
    days = settings.IMPORT_FILE_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    expired = (
        ImportBatch.objects.filter(uploaded_at__lt=cutoff)
        .exclude(file="")
        .exclude(status__in=[ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.COMMITTING])
    )
    removed = 0
    for pk in expired.values_list("pk", flat=True):
        with transaction.atomic():
            batch = expired.select_for_update().filter(pk=pk).first()
            if batch is None:  # started again or purged meanwhile
                continue
            name, storage = batch.file.name, batch.file.storage
            with translation.override(batch.language):
                note = _("The uploaded file was removed %(days)d days after upload (retention rule); the counts stay.")
                batch.message = note % {"days": days}
            if batch.status == ImportStatus.CHECKED:
                batch.status = ImportStatus.FAILED
            batch.report = {key: batch.report[key] for key in KEPT_REPORT_KEYS if key in (batch.report or {})}
            batch.file = ""
            batch.save(update_fields=["file", "message", "status", "report"])
        # Once the row no longer names it: a failed delete leaves a stray file, never a row naming a missing one.
        storage.delete(name)
        discard_plan(name, storage)  # the plan its check kept for the commit holds the rows too
        removed += 1
    return removed


@task()
def purge_import_files_task() -> None:
    """Deletes uploaded import files past their retention period (``purge_import_files``)."""
    purge_import_files()
