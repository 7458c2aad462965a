"""Inserting and updating tens of thousands of rows at once, with their django-simple-history rows, for any app:
the beneficiary import and the national-size generator (``pekka/devdata/scale.py``) write through it. The models
are the caller's, passed in; nothing here knows a domain.

``bulk_create_with_history`` needs about 40 seconds for 100,000 households and women on our servers, most of it
building model instances and SQL in Python. Here rows are plain tuples: PostgreSQL receives them with COPY, SQLite
with ``executemany``. Primary keys are taken from the table's sequence beforehand, so that rows of several tables
(households, women, enrolments and businesses, say) can point at each other before any of them is written, and the
history rows are the same tuples plus who, when and why. On PostgreSQL the text for a COPY is made a few thousand rows
at a time while the database reads it, so a table's whole CSV is never held at once. The caller holds the
transaction: all of it is written, or none.
"""

import csv
import datetime as dt
import io
import itertools
import json
from dataclasses import dataclass
from operator import attrgetter, itemgetter

from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.utils import timezone

_HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user_id")
_TEXT_FIELDS = (models.CharField, models.TextField)
_temp_tables = itertools.count(1)


@dataclass(frozen=True)
class HistoryStamp:
    """Who changed the rows, when and why: the same for every history row of one write (an import, say)."""

    date: dt.datetime
    user_id: int | None
    reason: str | None


def _concrete(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


class Writer:
    """Writes new and changed rows of several tables, each with its history rows.

    Use as a context manager inside a transaction; each call writes its rows at once.
    """

    def __init__(self, *, history: HistoryStamp | None):
        self.history = history
        self.postgres = connection.vendor == "postgresql"

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        return False

    def insert(
        self, model, columns: list[str], rows: list, *, history: bool = True, returning: bool = True
    ) -> range | list[int]:
        """Inserts ``rows`` (sequences of values in the order of ``columns``, field attnames without the primary
        key) and, if ``history``, a "created" history row for each. Fields not in ``columns`` get their default.
        Returns the new primary keys in the order of ``rows``; with neither ``history`` nor ``returning`` the table
        numbers the rows itself and nothing is returned."""
        if not rows:
            return []
        given = set(columns)
        defaults = {f.attname: _default(f) for f in _concrete(model) if f.attname not in given}
        extra = tuple(defaults.values())
        history = history and self.history is not None
        if not history and not returning:
            self._write(model, [*columns, *defaults], [(*row, *extra) for row in rows])
            return []
        ids = _allocate_ids(model, len(rows))
        all_columns = [model._meta.pk.attname, *columns, *defaults]
        full_rows = [(ident, *row, *extra) for ident, row in zip(ids, rows, strict=True)]
        self._write(model, all_columns, full_rows)
        if history and isinstance(ids, range):
            # The new rows hold one block of keys: the database copies them into the history table itself,
            # without the rows travelling through Python and CSV a second time.
            self._history_of_block(model, ids)
        elif history:
            self._write_history(model, all_columns, full_rows, kind="+")
        return ids

    def update(self, model, objects: list, fields: list[str]) -> None:
        """Writes ``fields`` (attnames) of ``objects`` (anything with the model's attnames as attributes, "id"
        included) to their rows, and a "changed" history row for each with all of its values."""
        if not objects:
            return
        pk = model._meta.pk.attname
        rows = [tuple(row) for row in map(attrgetter(pk, *fields), objects)]
        table = connection.ops.quote_name(model._meta.db_table)
        quote = connection.ops.quote_name
        if self.postgres:
            temp = f"import_update_{next(_temp_tables)}"
            names = ", ".join(quote(c) for c in (pk, *fields))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS SELECT {names} FROM {table} WITH NO DATA"
                )
            _copy(temp, [pk, *fields], _CsvText(model, [pk, *fields], rows), _text_columns(model, fields))
            assignments = ", ".join(f"{quote(f)} = u.{quote(f)}" for f in fields)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} AS t SET {assignments} FROM {temp} AS u WHERE t.{quote(pk)} = u.{quote(pk)}"
                )
                cursor.execute(f"DROP TABLE {temp}")
        else:
            converted = _converted(model, [pk, *fields], rows)
            assignments = ", ".join(f"{quote(f)} = %s" for f in fields)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET {assignments} WHERE {quote(pk)} = %s",
                    [(*row[1:], row[0]) for row in converted],
                )
        if self.history is not None:
            columns = [pk, *(f.attname for f in _concrete(model))]
            self._write_history(model, columns, [tuple(row) for row in map(attrgetter(*columns), objects)], kind="~")

    def _write(self, model, columns: list[str], rows: list[tuple]) -> None:
        if not self.postgres:
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            marks = ", ".join(["%s"] * len(columns))
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) VALUES ({marks})",
                    _converted(model, columns, rows),
                )
            return
        _copy(model._meta.db_table, columns, _CsvText(model, columns, rows), _text_columns(model, columns))

    def _history_layout(self, model, kind: str) -> tuple[list[str], list[str], list]:
        """The history table's columns for ``model``: the record's own, then the stamped ones (who, when, why,
        ``kind``), with the stamp's values in that order."""
        names = [f.attname for f in model.history.model._meta.concrete_fields if f.attname != "history_id"]
        stamp = {
            "history_date": self.history.date,
            "history_change_reason": self.history.reason,
            "history_type": kind,
            "history_user_id": self.history.user_id,
        }
        stamped = [name for name in names if name in _HISTORY_COLUMNS]
        return [name for name in names if name not in _HISTORY_COLUMNS], stamped, [stamp[name] for name in stamped]

    def _write_history(self, model, columns: list[str], rows: list[tuple], *, kind: str) -> None:
        own, stamped, tail = self._history_layout(model, kind)
        pick = itemgetter(*(columns.index(name) for name in own))
        tail = tuple(tail)
        self._write(model.history.model, own + stamped, [pick(row) + tail for row in rows])

    def _history_of_block(self, model, ids: range) -> None:
        """ "Created" history rows for the rows with keys in ``ids``, by INSERT … SELECT from the table."""
        historical = model.history.model
        quote = connection.ops.quote_name
        own, stamped, values = self._history_layout(model, "+")
        pk = quote(model._meta.pk.column)
        sql = (
            f"INSERT INTO {quote(historical._meta.db_table)} ({', '.join(quote(n) for n in [*own, *stamped])}) "
            f"SELECT {', '.join(quote(n) for n in own)}, {', '.join(['%s'] * len(stamped))} "
            f"FROM {quote(model._meta.db_table)} WHERE {pk} >= %s AND {pk} <= %s"
        )
        date_field = historical._meta.get_field("history_date")
        params = [
            date_field.get_db_prep_value(value, connection) if name == "history_date" else value
            for name, value in zip(stamped, values, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, ids.start, ids.stop - 1])


def insert(model, columns: list[str], rows: list, *, history: HistoryStamp | None = None) -> range | list[int]:
    """Inserts one table's rows (see ``Writer.insert``), with their history rows if ``history`` is given, and
    returns their primary keys."""
    with Writer(history=history) as writer:
        return writer.insert(model, columns, rows, history=history is not None)


def _default(field: models.Field):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_default()


def _allocate_ids(model, count: int) -> range | list[int]:
    """``count`` primary keys nobody else will get: from the PostgreSQL sequence, or past SQLite's highest ever.
    Usually one block (a ``range``, nothing to fetch); when another session took keys from the sequence meanwhile,
    the list of those the import got."""
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS import_ids (id bigint) ON COMMIT DROP; TRUNCATE import_ids; "
                "INSERT INTO import_ids SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s); "
                "SELECT min(id), max(id) FROM import_ids",
                [table, pk, count],
            )
            low, high = cursor.fetchone()
            if high - low + 1 == count:
                return range(low, high + 1)
            cursor.execute("SELECT id FROM import_ids ORDER BY id")
            return [row[0] for row in cursor.fetchall()]
        # SQLite tables made by Django use AUTOINCREMENT: the highest key ever given is in sqlite_sequence. The
        # write lock taken when the transaction began (transaction_mode IMMEDIATE) keeps other writers out.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(pk)}) FROM {connection.ops.quote_name(table)}")
        highest = max(found[0] if found else 0, cursor.fetchone()[0] or 0)
    return range(highest + 1, highest + count + 1)


def _text_columns(model, names) -> list[str]:
    text = {f.attname for f in model._meta.concrete_fields if isinstance(f, _TEXT_FIELDS) and not f.null}
    return [name for name in names if name in text]


# Rows of COPY text made at a time: a whole table's (tens of megabytes for 100,000 women, four bytes a character in a
# StringIO) is never held at once, and PostgreSQL works on one piece while the next is made.
COPY_CHUNK_ROWS = 5_000


class _CsvText:
    """``rows`` as CSV text for COPY, read like a file: each ``read`` makes the next ``COPY_CHUNK_ROWS`` rows' text.

    Dates and times are written once per distinct value: an import stamps thousands of rows with the same moment,
    and turning a datetime into text is the slow part of writing CSV."""

    def __init__(self, model, columns: list[str], rows):
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.moments = [i for i, name in enumerate(columns) if isinstance(fields.get(name), models.DateField)]
        self.texts = {None: None}
        self.rows = iter(rows)

    def read(self, size: int = -1) -> str:
        """The next piece of text, "" at the end (``size`` is ignored: psycopg2 sends whatever it is given)."""
        chunk = list(itertools.islice(self.rows, COPY_CHUNK_ROWS))
        if not chunk:
            return ""
        if self.moments:
            texts = self.texts
            by_column = list(zip(*chunk, strict=True))  # column by column: one pass per date column
            for index in self.moments:
                for value in set(by_column[index]) - texts.keys():
                    texts[value] = value.isoformat() if hasattr(value, "isoformat") else value
                by_column[index] = [texts[value] for value in by_column[index]]
            chunk = zip(*by_column, strict=True)
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(chunk)
        return buffer.getvalue()


def _copy(table: str, columns: list[str], text: "_CsvText", text_columns: list[str]) -> None:
    """PostgreSQL COPY in CSV form: an empty unquoted value is NULL, except in the (NOT NULL) text columns."""
    quote = connection.ops.quote_name
    options = "FORMAT csv"
    if text_columns:
        options += f", FORCE_NOT_NULL ({', '.join(quote(c) for c in text_columns)})"
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN WITH ({options})"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        while not hasattr(raw, "copy_expert") and hasattr(raw, "cursor"):
            raw = raw.cursor  # Django's debug wrappers
        raw.copy_expert(sql, text, size=1 << 20)


def _converted(model, columns: list[str], rows: list[tuple]) -> list[tuple]:
    """Rows with dates and times in the form Django stores them in SQLite (naive UTC text)."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    converters = {}
    for index, name in enumerate(columns):
        field = fields.get(name)
        if isinstance(field, models.DateTimeField):
            converters[index] = connection.ops.adapt_datetimefield_value
        elif isinstance(field, models.DateField):
            converters[index] = connection.ops.adapt_datefield_value
    if not converters or not rows:
        return rows
    by_column = list(zip(*rows, strict=True))  # column by column: each distinct moment is converted once
    for index, convert in converters.items():
        texts = {None: None}
        for value in set(by_column[index]) - texts.keys():
            texts[value] = convert(value)
        by_column[index] = [texts[value] for value in by_column[index]]
    return list(zip(*by_column, strict=True))


def among(values) -> RawSQL:
    """``values`` as a single query parameter, for ``field__in=among(values)``: one query however many values
    (an array on PostgreSQL, JSON on SQLite)."""
    values = list(values)
    if not values:
        raise ValueError("among() needs at least one value: skip the query instead")
    if connection.vendor == "postgresql":
        kind = "bigint" if isinstance(values[0], int) else "text"
        return RawSQL(f"SELECT unnest(%s::{kind}[])", [values])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values, default=str)])
