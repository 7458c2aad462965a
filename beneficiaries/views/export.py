"""CSV/XLSX export of the filtered beneficiary list: the list page's rows, filters and order, as a download."""

import tempfile

from django.http import FileResponse, Http404
from django.utils import timezone
from django.views.decorators.http import require_safe

from pekka.permissions import can_see_identifiers

from ..exports import export_rows, write_csv, write_xlsx
from ..filters import filtered_beneficiaries
from ..models import IdentifierAccess
from ..services import log_identifier_access

FORMATS = {
    "csv": (write_csv, "text/csv; charset=utf-8"),
    "xlsx": (write_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}

# Exports up to this size stay in memory; larger ones (tens of thousands of rows) spill to a temporary file.
IN_MEMORY_BYTES = 8 * 1024 * 1024


@require_safe
def beneficiary_export(request, fmt):
    """The user's beneficiaries as filtered on the list page, as CSV or XLSX; NIK and KK are masked unless the
    user may see them, and a full-identifier export is logged."""
    if fmt not in FORMATS:
        raise Http404
    write, content_type = FORMATS[fmt]
    _filterset, queryset = filtered_beneficiaries(request)
    full_identifiers = can_see_identifiers(request.user)
    # Not a `with` block: FileResponse sends the file and then closes it.
    file = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115
    count = write(export_rows(queryset, full_identifiers=full_identifiers), file)
    if full_identifiers:
        log_identifier_access(
            user=request.user, action=IdentifierAccess.Action.EXPORT, row_count=count, detail=request.GET.urlencode()
        )
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"penerima-manfaat-{timezone.localdate():%Y%m%d}.{fmt}",
        content_type=content_type,
    )
