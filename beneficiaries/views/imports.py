"""Importing beneficiary lists (administrators only): upload, the background check with its progress bar, the
preview, commit, the import history, and the files (template, original, error file)."""

import tempfile

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh

from pekka.forms import errors_text
from pekka.permissions import can_import_beneficiaries, require
from pekka.programmes.models import Programme
from pekka.spreadsheets import max_bytes, max_rows, too_big_message

from ..importing.aliases import REGION_FIELDS, alias_key, remember_alias
from ..importing.batches import write_error_file
from ..importing.columns import COLUMNS, write_template
from ..importing.plan import Action
from ..models import (
    BusinessType,
    Category,
    Education,
    IdentifierAccess,
    ImportAlias,
    ImportBatch,
    ImportStatus,
    MaritalStatus,
    Sex,
)
from ..services import log_identifier_access
from ..tasks import recheck_import, request_commit, start_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_PER_PAGE = 100
# Error files and templates up to this size stay in memory; larger ones spill to a temporary file.
IN_MEMORY_BYTES = 8 * 1024 * 1024


class ImportForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"),
        queryset=Programme.objects.none(),
        help_text=gettext_lazy("New and updated women are enrolled in it as candidates."),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("Excel workbook (.xlsx) or CSV, with the column names in the first row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )
    sheet = forms.CharField(
        label=gettext_lazy("Sheet"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Only for a workbook with several sheets. Empty: the first sheet."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.order_by("name")
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(too_big_message())
        if not upload.name.lower().endswith((".xlsx", ".xlsm", ".csv", ".txt")):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file."))
        return upload


class CommitForm(forms.Form):
    all_or_nothing = forms.BooleanField(
        label=gettext_lazy("Refuse the whole file if any row is invalid"),
        required=False,
        help_text=gettext_lazy("Otherwise the valid rows are imported and the invalid ones left out."),
    )


class MappingForm(forms.Form):
    """One value of the file mapped to what the registry calls it, for every row that carries it."""

    field = forms.ChoiceField(choices=ImportAlias.Field.choices)
    scope = forms.CharField(required=False, max_length=13)
    typed = forms.CharField(max_length=150)
    value = forms.CharField(max_length=150, error_messages={"required": gettext_lazy("Choose what it means.")})


GROUPS_SHOWN = 100


def _value_choices(field: str, programme) -> list[tuple[str, str]]:
    """What a value of a non-region column may be mapped to (regions are searched on the server)."""
    if field == "business_type":
        return [(t.code, str(t)) for t in BusinessType.objects.filter(is_active=True)]
    if field == "facilitator":
        staff = programme.staff.filter(is_active=True).order_by("username")
        return [(u.username, f"{u.get_full_name() or u.username} ({u.username})") for u in staff if u.is_facilitator]
    choices = {"sex": Sex, "marital_status": MaritalStatus, "education": Education, "category": Category}.get(field)
    return [(str(v), str(label)) for v, label in choices.choices] if choices else []


def _groups_for_page(batch: ImportBatch) -> list[dict]:
    """The report's grouped problems with what the page needs to offer a choice for each."""
    labels = dict(ImportAlias.Field.choices)
    levels = {field: int(level) for field, level in REGION_FIELDS.items()}
    cache: dict[str, list] = {}
    groups = []
    for group in (batch.report or {}).get("groups", [])[:GROUPS_SHOWN]:
        field = group["field"]
        options = [tuple(s) for s in group["suggestions"]]
        if field not in levels:
            if field not in cache:
                cache[field] = _value_choices(field, batch.programme)
            offered = {value for value, _label in options}
            options += [choice for choice in cache[field] if choice[0] not in offered]
        groups.append(group | {"label": labels.get(field, field), "level": levels.get(field), "options": options})
    return groups


def _batch_or_404(request, pk: int) -> ImportBatch:
    require(can_import_beneficiaries(request.user))
    return get_object_or_404(ImportBatch.objects.select_related("programme", "uploaded_by", "committed_by"), pk=pk)


@require_safe
def import_list(request):
    """Every import: when, who, which file and programme, what it found and what it wrote."""
    require(can_import_beneficiaries(request.user))
    batches = ImportBatch.objects.select_related("programme", "uploaded_by").defer("report")
    page = Paginator(batches, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "beneficiaries/import_list.html", {"page": page})


def import_create(request):
    """Upload a list; its check starts in the background and the browser goes to its page."""
    require(can_import_beneficiaries(request.user))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = start_import(
            upload=form.cleaned_data["file"],
            programme=form.cleaned_data["programme"],
            sheet=form.cleaned_data["sheet"],
            by=request.user,
        )
        return redirect("beneficiaries:import_detail", batch.pk)
    return render(
        request,
        "beneficiaries/import_form.html",
        {"form": form, "columns": COLUMNS, "max_rows": max_rows(), "max_mb": max_bytes() // (1024 * 1024)},
    )


@require_safe
def import_detail(request, pk):
    """The progress bar while the file is checked or committed; then the report: counts, columns, a preview of
    each kind of row, every problem, and the commit button."""
    batch = _batch_or_404(request, pk)
    report = batch.report or {}
    errors = Paginator(report.get("errors", []), ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    samples = report.get("samples", {})
    kinds = [
        (Action.NEW, _("New"), batch.new_count, "success"),
        (Action.UPDATE, _("Updates"), batch.update_count, "primary"),
        (Action.UNCHANGED, _("Unchanged"), batch.unchanged_count, "secondary"),
        (Action.INVALID, _("Invalid"), batch.invalid_count, "danger"),
    ]
    return render(
        request,
        "beneficiaries/import_detail.html",
        {
            "batch": batch,
            "report": report,
            "errors": errors,
            "kinds": [(code, label, count, colour, samples.get(code, [])) for code, label, count, colour in kinds],
            "commit_form": CommitForm(),
            "has_changes": batch.new_count + batch.update_count > 0,
            "other_sheets": [s for s in report.get("sheets", []) if s != report.get("sheet")],
            "groups": _groups_for_page(batch),
            "acceptable": sum(1 for g in report.get("groups", []) if g["severity"] == "error" and g["suggestions"]),
        },
    )


@require_safe
def import_progress(request, pk):
    """What the progress bar polls every second; once the work is done the page reloads to show the report."""
    batch = _batch_or_404(request, pk)
    if not request.htmx:
        return redirect("beneficiaries:import_detail", batch.pk)
    if not batch.is_running:
        return HttpResponseClientRefresh()
    return render(request, "beneficiaries/_import_progress.html", {"batch": batch})


@require_POST
def import_commit(request, pk):
    """Writes the checked file's valid rows in the background, all in one transaction."""
    batch = _batch_or_404(request, pk)
    form = CommitForm(request.POST)
    form.is_valid()
    all_or_nothing = form.cleaned_data.get("all_or_nothing", False)
    if batch.status != ImportStatus.CHECKED:
        messages.error(request, _("This file is not waiting to be imported."))
    elif all_or_nothing and batch.invalid_count:
        message = ngettext(
            "Nothing was imported: %(n)s row is invalid. Fix it (see the error file) and upload the file again.",
            "Nothing was imported: %(n)s rows are invalid. Fix them (see the error file) and upload the file again.",
            batch.invalid_count,
        )
        messages.error(request, message % {"n": batch.invalid_count})
    elif request_commit(batch=batch, by=request.user, all_or_nothing=all_or_nothing):
        batch.refresh_from_db()
        if batch.status == ImportStatus.COMMITTED:
            messages.success(request, _("The file has been imported."))
    return redirect("beneficiaries:import_detail", batch.pk)


@require_POST
def import_map(request, pk):
    """Maps a value of the file (a misspelt kecamatan, "kiosk", "janda cerai mati") to what it means, remembered as
    an alias for every later list, then checks the file again without a new upload. With ``semua``, every blocking
    value that has a suggestion takes its first one."""
    batch = _batch_or_404(request, pk)
    if batch.status != ImportStatus.CHECKED or not batch.file:
        messages.error(request, _("This file is not waiting to be imported."))
        return redirect("beneficiaries:import_detail", batch.pk)
    groups = (batch.report or {}).get("groups", [])
    if request.POST.get("semua"):
        chosen = [
            (g["field"], g["scope"], g["value"], g["suggestions"][0][0])
            for g in groups
            if g["severity"] == "error" and g["suggestions"]
        ]
    else:
        form = MappingForm(request.POST)
        if not form.is_valid():
            messages.error(request, errors_text(form))
            return redirect("beneficiaries:import_detail", batch.pk)
        data = form.cleaned_data
        wanted = (data["field"], data["scope"], alias_key(data["field"], data["typed"]))
        if not any((g["field"], g["scope"], alias_key(g["field"], g["value"])) == wanted for g in groups):
            raise Http404  # only values this file's check asked about
        chosen = [(data["field"], data["scope"], data["typed"], data["value"])]
    saved = 0
    for field, scope, typed, value in chosen:
        try:
            remember_alias(field=field, scope=scope, typed=typed, value=value, by=request.user, batch=batch)
            saved += 1
        except ValidationError as error:
            messages.error(request, f"“{typed}”: {' '.join(error.messages)}")
    if saved:
        recheck_import(batch=batch, sheet=batch.sheet)
        message = ngettext(
            "%(n)s value mapped; it will be read this way in every list from now on. The file is being checked again.",
            "%(n)s values mapped; they will be read this way in every list from now on. The file is being checked "
            "again.",
            saved,
        )
        messages.success(request, message % {"n": saved})
    return redirect("beneficiaries:import_detail", batch.pk)


@require_POST
def import_recheck(request, pk):
    """Checks the file again, reading another sheet of the workbook."""
    batch = _batch_or_404(request, pk)
    sheet = request.POST.get("sheet", "")
    if sheet not in batch.report.get("sheets", []):
        raise Http404
    recheck_import(batch=batch, sheet=sheet)
    return redirect("beneficiaries:import_detail", batch.pk)


@require_safe
def import_error_file(request, pk):
    """The uploaded rows with an error column, as XLSX: the invalid rows, or every row with ``?semua=1``."""
    batch = _batch_or_404(request, pk)
    if not batch.report.get("header_row"):
        raise Http404
    every_row = bool(request.GET.get("semua"))
    file = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115 - FileResponse closes it
    count = write_error_file(batch=batch, file=file, only_invalid=not every_row)
    # The rows carry the NIKs and KKs as uploaded: a full-identifier export.
    log_identifier_access(
        user=request.user,
        action=IdentifierAccess.Action.EXPORT,
        row_count=count,
        detail=f"import #{batch.pk} error file",
    )
    file.seek(0)
    stem, suffix = batch.file_name.rsplit(".", 1)[0], _("errors")
    return FileResponse(file, as_attachment=True, filename=f"{stem}-{suffix}.xlsx", content_type=XLSX)


@require_safe
def import_file(request, pk):
    """The file as it was uploaded (full NIKs and KKs: logged as an export)."""
    batch = _batch_or_404(request, pk)
    if not batch.file:  # removed after the retention period (beneficiaries.tasks.purge_import_files)
        raise Http404
    handle = batch.file.open("rb")
    log_identifier_access(
        user=request.user,
        action=IdentifierAccess.Action.EXPORT,
        row_count=batch.row_count,
        detail=f"import #{batch.pk} original file",
    )
    return FileResponse(handle, as_attachment=True, filename=batch.file_name)


@require_safe
def import_template(request, fmt):
    """The empty list to fill in, with an example row and a legend."""
    require(can_import_beneficiaries(request.user))
    if fmt not in {"xlsx", "csv"}:
        raise Http404
    file = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115 - FileResponse closes it
    write_template(file, fmt=fmt)
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"templat-penerima-manfaat-{timezone.localdate():%Y%m%d}.{fmt}",
        content_type=XLSX if fmt == "xlsx" else "text/csv; charset=utf-8",
    )
