"""The programme report as an XLSX workbook: one sheet per table, written by ``pekka.spreadsheets``; every text cell
is defused against formulas."""

import io

from django.utils.translation import gettext as _

from pekka.spreadsheets import SheetSpec, defuse_formula, write_workbook


def _cell(value):
    """A text cell (a lazy translation included) with a leading apostrophe where it would run as a formula; any
    other value as it is."""
    if isinstance(value, str) or hasattr(value, "_proxy____cast"):
        return defuse_formula(str(value))
    return value


def _sheet(title, header, rows) -> SheetSpec:
    """A table: a bold header and each column as wide as its longest value, within 10 to 60 characters."""
    table = [[str(h) for h in header], *([_cell(v) for v in row] for row in rows)]
    widths = [min(60, max(10, max(len(str(v or "")) for v in column) + 2)) for column in zip(*table, strict=True)]
    return SheetSpec(name=title, rows=table, widths=widths)


def report_workbook(context) -> bytes:
    """Builds the workbook of ``programme_report``'s context."""
    scope, programme = context["scope"], context["programme"]
    narrative = context["narrative"]
    cover = SheetSpec(
        name=_("Report"),
        rows=[
            [_cell(label), _cell(value)]
            for label, value in [
                (_("Programme"), programme.name),
                (_("Funder"), programme.funder),
                (_("From"), scope.start),
                (_("Until"), scope.end),
                (_("Highlights"), narrative.highlights if narrative else ""),
                (_("Obstacles"), narrative.obstacles if narrative else ""),
                (_("Next steps"), narrative.next_steps if narrative else ""),
            ]
        ],
        widths=[18, 80],
        header_rows=0,
    )
    tables = [
        _sheet(
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
        ),
        _sheet(
            _("Outcomes"),
            [_("Indicator"), _("Value")],
            [(str(o["indicator"].label), o["value"]) for o in context["outcomes"]],
        ),
        _sheet(
            _("Businesses"),
            [_("Status"), _("Businesses")],
            [(str(s["label"]), s["value"]) for s in context["status_mix"]],
        ),
        _sheet(
            _("Permits"),
            [_("Permit"), _("Businesses")],
            [(str(p["label"]), p["value"]) for p in context["permits"]],
        ),
        _sheet(
            _("Turnover"),
            [_("Quarter"), _("Average monthly turnover (Rp)"), _("Reports")],
            [(t["label"], t["value"], t["count"]) for t in context["turnover"]],
        ),
        _sheet(
            _("Loan portfolio"),
            [_("Group"), _("Loans"), _("Outstanding (Rp)"), _("PAR1 %"), _("PAR30 %")],
            [
                (str(r.label), r.loans, r.outstanding, r.par1, r.par30)
                for r in [*context["par_rows"], context["par_total"]]
            ],
        ),
    ]
    out = io.BytesIO()
    write_workbook(out, [cover, *tables])
    return out.getvalue()
