"""Problems grouped by value, not by row: what the preview asks an admin to settle once for every row.

A list typed by a village office misspells the same kecamatan on thirty rows; the preview shows it once — "Kecamatan
“Mandiangin Koto Selayang” — 30 rows — Mandiangin Koto Selayan (13.75.02)?" — with one action that accepts the
suggestion for all of them (an alias, ``aliases.remember_alias``) and a picker to choose another value. A group is
the problems with the same (field, scope, folded value); only problems a mapping can settle (those with a ``field``:
regions, business types, choices, facilitators) are grouped; the rest (a NIK of 15 digits) stay row by row.
"""

from collections import defaultdict

from .aliases import alias_key
from .plan import ImportPlan

# The report keeps this many groups, and this many row numbers of each (the counts are always whole).
MAX_GROUPS = 500
ROW_NUMBERS = 10


def group_problems(plan: ImportPlan) -> list[dict]:
    """One entry per distinct mappable value: the field, the column as the file names it, the value as typed (its
    first spelling), the scope, the message, how many rows carry it and which (the first few), whether it blocks the
    rows ("error") or only warns ("warning"), and the suggestions as [value, label] pairs, best first. Errors first,
    then by the number of rows, most first."""
    groups: dict[tuple, dict] = {}
    rows_of: dict[tuple, set[int]] = defaultdict(set)
    for row in plan.rows:
        for severity, problems in (("error", row.errors), ("warning", row.warnings)):
            for problem in problems:
                if not problem.field or not problem.value:
                    continue
                key = (severity, problem.field, problem.scope, alias_key(problem.field, problem.value))
                if key not in groups:
                    groups[key] = {
                        "severity": severity,
                        "field": problem.field,
                        "column": problem.column,
                        "scope": problem.scope,
                        "value": problem.value,
                        "message": problem.message,
                        "suggestions": [list(s) for s in problem.suggestions],
                    }
                rows_of[key].add(row.number)
    result = []
    for key, group in groups.items():
        numbers = sorted(rows_of[key])
        result.append(group | {"rows": len(numbers), "row_numbers": numbers[:ROW_NUMBERS]})
    result.sort(key=lambda g: (g["severity"] != "error", -g["rows"], g["field"], g["value"]))
    return result[:MAX_GROUPS]
