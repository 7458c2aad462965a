"""The programme report as an XLSX workbook: one sheet per table, every text cell defused against formulas."""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from beneficiaries.exports import defuse_formula


def _cell(value):
    if isinstance(value, str):
        return defuse_formula(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _sheet(workbook, title, header, rows):
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([str(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(str(v) if hasattr(v, "_proxy____cast") else v) for v in row])
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    return sheet


def report_workbook(context) -> bytes:
    """Builds the workbook of ``programme_report``'s context."""
    scope, programme = context["scope"], context["programme"]
    book = Workbook()
    cover = book.active
    cover.title = _("Report")[:31]
    narrative = context["narrative"]
    for row in [
        (_("Programme"), programme.name),
        (_("Funder"), programme.funder),
        (_("From"), scope.start),
        (_("Until"), scope.end),
        (_("Highlights"), narrative.highlights if narrative else ""),
        (_("Obstacles"), narrative.obstacles if narrative else ""),
        (_("Next steps"), narrative.next_steps if narrative else ""),
    ]:
        cover.append([_cell(str(row[0])), _cell(row[1])])
    cover.column_dimensions["A"].width = 18
    cover.column_dimensions["B"].width = 80
    number_format = "dd/mm/yyyy"
    for cell in (cover["B3"], cover["B4"]):
        cell.number_format = number_format
    _sheet(
        book,
        _("Targets"),
        [_("Indicator"), _("Area"), _("From"), _("Until"), _("Target"), _("Achieved"), _("% of target")],
        [
            (
                str(a.indicator.label),
                a.target.area.name if a.target.area else "",
                a.start,
                a.end,
                a.target.value,
                a.value,
                a.percent,
            )
            for a in context["achievements"]
        ],
    )
    _sheet(
        book,
        _("Outcomes"),
        [_("Indicator"), _("Value")],
        [(str(o["indicator"].label), o["value"]) for o in context["outcomes"]],
    )
    _sheet(
        book,
        _("Businesses"),
        [_("Status"), _("Businesses")],
        [(str(s["label"]), s["value"]) for s in context["status_mix"]],
    )
    _sheet(
        book, _("Permits"), [_("Permit"), _("Businesses")], [(str(p["label"]), p["value"]) for p in context["permits"]]
    )
    _sheet(
        book,
        _("Turnover"),
        [_("Quarter"), _("Average monthly turnover (Rp)"), _("Reports")],
        [(t["label"], t["value"], t["count"]) for t in context["turnover"]],
    )
    _sheet(
        book,
        _("Loan portfolio"),
        [_("Group"), _("Loans"), _("Outstanding (Rp)"), _("PAR1 %"), _("PAR30 %")],
        [(str(r.label), r.loans, r.outstanding, r.par1, r.par30) for r in [*context["par_rows"], context["par_total"]]],
    )
    for sheet in book.worksheets[1:]:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if hasattr(cell.value, "year"):
                    cell.number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
