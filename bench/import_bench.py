"""Benchmark of the beneficiary import: a realistic 100,000-row list, checked and committed on SQLite and PostgreSQL,
side by side with the COPY floor of the same file on the same database.

    .venv/bin/python bench/import_bench.py [--rows 100000] [--postgres URL | --no-postgres] [--no-sqlite]

(``make bench-import`` runs it; ``make bench-import BENCH_IMPORT_PG=postgres://…`` chooses the PostgreSQL database.)

It writes an XLSX and a CSV file of the same generated rows — women of four real regencies, names in capitals or
not, NIKs with spaces, dots or apostrophes, dates in five formats (one of them real Excel dates), loosely spelled
villages, a few percent of typical errors — then, on each database, in a fresh process:

- check CSV, check XLSX: read, normalise, validate and match against the registry (what the upload page does
  before showing the preview); nothing is written;
- floor (PostgreSQL): the CSV read with Python's csv module and COPY-ed, one row per data row, into as many plain
  tables as the commit writes (households, women, enrolments, businesses, business status changes and the history
  tables of the first four: nine), each with the real table's number of columns; logged tables like the real ones,
  without keys, indexes or constraints, in one committed transaction — what moving the file's rows into the
  database costs at the least;
- commit CSV: read the CSV, check it and write every valid row in one transaction (``manage.py
  import_beneficiaries``: ``parse_rows`` + ``commit_import``): "100,000 rows checked and committed";
- re-import: the same file again, which changes nothing;
- upload check + upload commit, on an emptied registry: the upload page's path through an ImportBatch
  (``check_batch``, which keeps the matched plan, then ``commit_batch``, which writes it without reading the file
  again because nothing changed).

Each step runs in a process of its own, as the background worker checks a file in one task and commits it in
another: a step's peak memory (``ru_maxrss`` at its end) is that of the process doing that one job, Django's own
start-up included. It prints each step's time, its ratio to the floor and its peak memory, the two goals (check +
commit in one go within 5× the floor, the upload path within 7×) and the worst step's peak memory (goal: under
300 MB; the floor, the benchmark's own yardstick, is not counted). The SQLite database is a file in the
system's temporary folder; the PostgreSQL database (``pekka_bench`` on 127.0.0.1 unless told otherwise) is created
if missing and its registry tables are emptied first: never point it at a database whose data you want to keep.
"""

import argparse
import datetime as dt
import gc
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/pekka_bench"
WORK = Path(tempfile.gettempdir()) / "pekka-bench-import"
REGENCIES = ["13.75", "33.22", "32.11", "35.14"]  # Kota Bukittinggi, Kab. Semarang, Kab. Sumedang, Kab. Pasuruan
FACILITATORS = ["bench_pendamping1", "bench_pendamping2", "bench_pendamping3"]
PROGRAMME = "Bench PEKKA"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_IMPORT_PG") or DEFAULT_PG, help="PostgreSQL URL")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--run", help=argparse.SUPPRESS)  # internal: measure on this database URL
    parser.add_argument("--step", help=argparse.SUPPRESS)  # internal: run this one step (in a process of its own)
    parser.add_argument("--batch", type=int, help=argparse.SUPPRESS)  # internal: the upload steps' ImportBatch
    args = parser.parse_args()
    if args.run and args.step:
        return _run_step(args.run, args.step, rows=args.rows, batch_pk=args.batch)
    if args.run:
        return _measure(args.run, rows=args.rows)

    WORK.mkdir(exist_ok=True)
    targets = []
    if not args.no_sqlite:
        targets.append(("SQLite", f"sqlite:///{WORK / 'bench.sqlite3'}"))
    if not args.no_postgres:
        if _postgres_ready(args.postgres):
            targets.append(("PostgreSQL", args.postgres))
        else:
            print(f"PostgreSQL at {args.postgres} does not answer: skipped.", file=sys.stderr)
    results = []
    for label, url in targets:
        print(f"\n== {label} ({url}) ==", flush=True)
        done = subprocess.run(
            [sys.executable, __file__, "--run", url, "--rows", str(args.rows)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        lines = done.stdout.splitlines()
        print("\n".join(line for line in lines if not line.startswith("{")), flush=True)
        if done.returncode:
            print(f"{label}: the benchmark failed (exit {done.returncode}).", file=sys.stderr)
            return done.returncode
        results.append((label, json.loads(lines[-1])))
    _summary(results)
    return 0


def _postgres_ready(url: str) -> bool:
    """Whether PostgreSQL answers at ``url``; creates the database if the server answers but it is missing."""
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    params = {"host": config["HOST"], "port": config["PORT"] or 5432, "user": config["USER"]}
    if config["PASSWORD"]:
        params["password"] = config["PASSWORD"]
    try:
        psycopg2.connect(dbname=config["NAME"], connect_timeout=3, **params).close()
        return True
    except psycopg2.OperationalError as exc:
        if "does not exist" not in str(exc):
            return False
    connection = psycopg2.connect(dbname="postgres", connect_timeout=3, **params)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    connection.close()
    return True


ONE_GO_GOAL, UPLOAD_GOAL, MEMORY_GOAL_MB = 5, 7, 300


def _summary(results) -> None:
    print("\n== Summary ==")
    header = f"{'database':<11} {'step':<15} {'rows':>8} {'seconds':>8} {'CPU s':>7} {'rows/s':>8} {'× floor':>8}"
    print(header)
    print("-" * len(header))
    for label, result in results:
        steps = {step["name"]: step for step in result["steps"]}
        floor = steps.get("floor", {}).get("seconds")
        for step in result["steps"]:
            ratio = f"{step['seconds'] / floor:>8.1f}" if floor else f"{'':>8}"
            print(
                f"{label:<11} {step['name']:<15} {step['rows']:>8} {step['seconds']:>8.1f} {step['cpu']:>7.1f} "
                f"{step['rows'] / step['seconds']:>8.0f} {ratio}"
            )
        one_go = steps["commit CSV"]["seconds"]
        upload = steps["upload check"]["seconds"] + steps["upload commit"]["seconds"]
        for name, seconds, goal in (
            ("check + commit in one go (the command)", one_go, ONE_GO_GOAL),
            ("upload path (check, then commit reusing the plan)", upload, UPLOAD_GOAL),
        ):
            if floor:
                verdict = "pass" if seconds <= goal * floor else "FAIL"
                ratio = seconds / floor
                print(f"{label:<11} {name}: {seconds:.1f} s = {ratio:.1f}× the floor (goal ≤ {goal}×): {verdict}")
            else:
                print(f"{label:<11} {name}: {seconds:.1f} s (no COPY floor on this database)")
        peaks = ", ".join(f"{step['name']} {step['peak_mb']:.0f}" for step in result["steps"])
        print(
            f"{label:<11} peak memory per step (MB, each in its own process): {peaks}; "
            f"Django alone {result['idle_mb']:.0f}"
        )
        verdict = "pass" if result["peak_mb"] < MEMORY_GOAL_MB else "FAIL"
        print(
            f"{label:<11} peak memory {result['peak_mb']:.0f} MB, {result['peak_step']} (the worst step; "
            f"goal < {MEMORY_GOAL_MB} MB): {verdict}"
        )
        if floor:
            tables = result["floor_tables"]
            print(f"{label:<11} floor: {floor:.2f} s for {steps['floor']['rows']} rows × {tables} tables")
    if results:
        print(f"rows: {results[0][1]['counts']}")


# --- inside the measuring process ---


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pekka.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["MEDIA_ROOT"] = str(WORK / "media")  # the upload path keeps its file (and plan) here
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# The steps, in order; the floor only on PostgreSQL. Each runs in a fresh process (``_run_step``).
STEPS = ["check CSV", "check XLSX", "floor", "commit CSV", "re-import", "upload check", "upload commit"]


def _measure(url: str, *, rows: int) -> int:
    """Prepares the database and the files, then runs each step in a process of its own, in order."""
    _setup_django(url)
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection

    from beneficiaries.models import ImportBatch
    from pekka.regions.models import Region

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    if Region.objects.count() < 90_000:
        call_command("load_regions", verbosity=0)
    programme, admin = _cast()
    _empty_registry()
    xlsx, csv_file = _files(rows)
    print(
        f"set-up: {time.monotonic() - started:.1f} s; files: {xlsx} ({xlsx.stat().st_size / 1e6:.1f} MB), "
        f"{csv_file} ({csv_file.stat().st_size / 1e6:.1f} MB)",
        flush=True,
    )
    postgres = connection.vendor == "postgresql"
    connection.close()

    def run(name, *extra) -> dict:
        done = subprocess.run(
            [sys.executable, __file__, "--run", url, "--rows", str(rows), "--step", name, *extra],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"the step {name!r} failed (exit {done.returncode})")
        return json.loads(done.stdout.splitlines()[-1])

    idle = run("idle")["peak_mb"]
    print(f"a process that only starts Django: peak RSS {idle:.0f} MB", flush=True)
    steps = []
    batch = None
    for name in STEPS:
        if name == "floor" and not postgres:
            continue
        extra = []
        if name == "upload check":
            _empty_registry()
            with open(csv_file, "rb") as file:
                batch = ImportBatch.objects.create(
                    programme=programme, file=File(file, name=csv_file.name), file_name=csv_file.name, uploaded_by=admin
                )
            connection.close()
        if name.startswith("upload"):
            extra = ["--batch", str(batch.pk)]
        result = run(name, *extra)
        steps.append(result)
        print(
            f"{name:<15} {result['rows']} rows in {result['seconds']:.1f} s (CPU {result['cpu']:.1f} s): "
            f"{result['rows'] / result['seconds']:.0f} rows/s, peak RSS {result['peak_mb']:.0f} MB "
            f"(its own process) — {result['counts']}",
            flush=True,
        )
    ImportBatch.objects.get(pk=batch.pk).file.delete()
    counted = [step for step in steps if step["name"] != "floor"]
    worst = max(counted, key=lambda step: step["peak_mb"])
    print(f"peak memory (RSS) of the worst step: {worst['peak_mb']:.0f} MB ({worst['name']})", flush=True)
    counts = next(step["counts"] for step in steps if step["name"] == "commit CSV")
    floor_tables = len(_floor_layout()) if postgres else 0
    summary = {"steps": steps, "peak_mb": worst["peak_mb"], "peak_step": worst["name"], "idle_mb": idle}
    print(json.dumps(summary | {"counts": counts, "floor_tables": floor_tables}))
    return 0


def _run_step(url: str, name: str, *, rows: int, batch_pk: int | None) -> int:
    """One step, timed, in this (fresh) process; prints its figures as JSON, the peak memory of the process
    included."""
    _setup_django(url)
    from beneficiaries.importing.batches import check_batch, commit_batch
    from beneficiaries.importing.commit import commit_import
    from beneficiaries.importing.match import match_rows
    from beneficiaries.importing.read import parse_rows
    from beneficiaries.models import ImportBatch

    programme, admin = _cast()
    xlsx, csv_file = WORK / f"beneficiaries-{rows}.xlsx", WORK / f"beneficiaries-{rows}.csv"

    def check(path):
        with open(path, "rb") as file:
            return match_rows(parse_rows(file, filename=path.name), programme=programme).counts

    def commit(path):
        with open(path, "rb") as file:
            parsed = parse_rows(file, filename=path.name)
        return commit_import(parsed=parsed, programme=programme, by=admin, reason="bench").counts

    def batch_counts(batch):
        return {
            "total": batch.row_count,
            "new": batch.new_count,
            "update": batch.update_count,
            "unchanged": batch.unchanged_count,
            "invalid": batch.invalid_count,
        }

    batch = ImportBatch.objects.select_related("programme").get(pk=batch_pk) if batch_pk else None
    work = {
        "idle": lambda: {"total": 0},
        "check CSV": lambda: check(csv_file),
        "check XLSX": lambda: check(xlsx),
        "floor": lambda: _floor(csv_file),
        "commit CSV": lambda: commit(csv_file),
        "re-import": lambda: commit(csv_file),
        "upload check": lambda: batch_counts(check_batch(batch=batch)),
        "upload commit": lambda: batch_counts(commit_batch(batch=batch, by=admin)),
    }[name]
    if name == "floor":
        _prepare_floor()
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    counts = work()
    seconds, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if name == "floor":
        _drop_floor()
    result = {"name": name, "rows": counts["total"], "seconds": seconds, "cpu": cpu, "peak_mb": peak}
    print(json.dumps(result | {"counts": counts}))
    return 0


# --- the floor: the same file COPY-ed into as many plain tables as the commit writes ---


def _floor_models() -> list:
    """The tables a commit of new women writes: five of the registry and the history tables of four of them."""
    from beneficiaries.models import Beneficiary, Business, BusinessStatusChange, Enrolment, Household

    tracked = [Household, Beneficiary, Enrolment, Business]
    return [*tracked, BusinessStatusChange, *(model.history.model for model in tracked)]


def _floor_layout() -> list[tuple[str, list[str]]]:
    """Each floor table's name and its columns' types: as many columns as the real table, keys as bigint, moments
    as timestamptz, everything else text (the file's cells as they are)."""
    from django.db import models

    layout = []
    for model in _floor_models():
        types = []
        for field in model._meta.concrete_fields:
            if field.primary_key or isinstance(field, models.ForeignKey | models.IntegerField):
                types.append("bigint")
            elif isinstance(field, models.DateTimeField):
                types.append("timestamptz")
            else:
                types.append("text")
        layout.append((f"bench_floor_{model._meta.db_table}", types))
    return layout


def _prepare_floor() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        for table, types in _floor_layout():
            columns = ", ".join(f"c{i} {kind}" for i, kind in enumerate(types))
            cursor.execute(f"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} ({columns})")
    return len(_floor_layout())


def _drop_floor() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table, _types in _floor_layout():
            cursor.execute(f"DROP TABLE {table}")


def _floor(path: Path) -> dict:
    """Reads the CSV with the csv module and COPYs each data row into every floor table in one transaction."""
    import csv

    from django.db import connection, transaction

    with open(path, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file, delimiter=";"))[1:]
    now = dt.datetime.now(dt.UTC).isoformat()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        for table, types in _floor_layout():
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            kinds = list(enumerate(types))
            for number, row in enumerate(rows, start=1):
                width = len(row)
                writer.writerow(
                    [number if k == "bigint" else now if k == "timestamptz" else row[i % width] for i, k in kinds]
                )
            buffer.seek(0)
            raw.copy_expert(f"COPY {table} FROM STDIN WITH (FORMAT csv)", buffer, size=1 << 20)
    return {"total": len(rows)}


def _cast():
    from django.contrib.auth import get_user_model

    from pekka.accounts.models import Role
    from pekka.programmes.models import Programme, ProgrammeStaff

    users = get_user_model().objects
    admin = users.filter(username="bench_admin").first() or users.create(username="bench_admin", role=Role.ADMIN)
    programme, _created = Programme.objects.get_or_create(
        name=PROGRAMME, defaults={"start_date": dt.date(2025, 1, 1), "category": "pekka"}
    )
    for username in FACILITATORS:
        user = users.filter(username=username).first() or users.create(username=username, role=Role.FACILITATOR)
        ProgrammeStaff.objects.get_or_create(programme=programme, user=user)
    return programme, admin


def _empty_registry() -> None:
    """Empties the registry of the bench database (and only of it)."""
    from django.apps import apps
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if "bench" not in name:
        raise SystemExit(f"Refusing to empty {name}: the benchmark only runs on a database named *bench*.")
    from beneficiaries.models import BusinessType

    models = apps.get_app_config("beneficiaries").get_models()
    tables = [m._meta.db_table for m in models if m is not BusinessType]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f'DELETE FROM "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")


# --- the generated list ---

WOMEN = [
    "Asnidar",
    "Nurhayati",
    "Elvi",
    "Yulidar",
    "Erniwati",
    "Nurlela",
    "Syamsidar",
    "Rosnidar",
    "Desmawati",
    "Zuraida",
    "Fitriani",
    "Yenni",
    "Rahmawati",
    "Sri",
    "Wahyuni",
    "Suwarni",
    "Tumini",
    "Sukinah",
    "Partini",
    "Suparmi",
    "Wartini",
    "Jumiati",
    "Sulastri",
    "Ngatini",
    "Rusmini",
    "Sarinah",
    "Mujiati",
    "Imas",
    "Komariah",
    "Entin",
    "Suhartini",
    "Cucu",
    "Rohaeni",
    "Iis",
    "Nurhasanah",
    "Enok",
    "Rukmini",
    "Yati",
    "Suryati",
    "Nining",
    "Karwati",
    "Siti",
    "Aminah",
    "Nur'aini",
    "Maimunah",
    "Rukiah",
    "Saniah",
    "Kasmini",
    "Murtini",
    "Umi",
    "Kulsum",
    "Winarsih",
    "Tukiyem",
    "Painah",
    "Sainem",
    "Samini",
    "Rohmah",
]
FATHERS = [
    "Syafri",
    "Rusli",
    "Darwis",
    "Yunus",
    "Idris",
    "Jamaris",
    "Zulkifli",
    "Asril",
    "Yusuf",
    "Arifin",
    "Nasir",
    "Amran",
    "Ahmad",
    "Sanusi",
]
MARITAL = ["cerai mati", "Cerai Hidup", "janda cerai mati", "suami merantau", "belum kawin", "kawin", "CERAI MATI"]
EDUCATION = ["SD", "sd", "SMP", "SLTP", "SMA", "SMK", "tidak sekolah", "tidak tamat SD", "S1", "D3"]
BUSINESS = ["sulaman", "Menjahit", "makanan", "warung", "Ternak", "anyaman", "jasa", "bordir", "Aksesoris", ""]
STREETS = ["Jl. Melati", "Jl. Kenanga", "Dusun Krajan", "Dusun Kauman", "Jl. Anggrek", "Dusun Sukamaju"]
MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
HEADER = [
    "No",
    "NAMA",
    "NIK",
    "No. KK",
    "Jenis Kelamin",
    "Tempat Lahir",
    "Tanggal Lahir",
    "Status Perkawinan",
    "Pendidikan",
    "Telepon",
    "Kategori",
    "Kabupaten",
    "Kecamatan",
    "Desa",
    "RT",
    "RW",
    "Alamat",
    "Jenis Usaha",
    "Pendamping",
    "Keterangan",
]


def _villages():
    from pekka.regions.models import Region

    regions = {r.code: r for r in Region.objects.filter(code__regex=r"^(13\.75|33\.22|32\.11|35\.14)(\.|$)")}
    villages = []
    for region in regions.values():
        if region.level == 4:
            district = regions[region.parent_id]
            regency = regions[district.parent_id]
            villages.append((region.name, district.name, regency.name, district.code.replace(".", "")))
    return sorted(villages)


def _files(rows: int) -> tuple[Path, Path]:
    """The XLSX and CSV files of ``rows`` generated rows (made once, then reused)."""
    xlsx, csv_file = WORK / f"beneficiaries-{rows}.xlsx", WORK / f"beneficiaries-{rows}.csv"
    if xlsx.exists() and csv_file.exists():
        return xlsx, csv_file
    import csv

    from pekka.spreadsheets import SheetSpec, write_workbook

    generated = list(_generate(rows, _villages()))
    with open(xlsx, "wb") as file:
        write_workbook(file, [SheetSpec(name="Data", rows=[HEADER, *generated])])
    with open(csv_file, "w", newline="", encoding="utf-8-sig") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(
            [value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else value for value in row] for row in generated
        )
    return xlsx, csv_file


def _generate(count: int, villages):
    """Rows as village offices type them, with about 3 % of typical mistakes."""
    draw = random.Random(2026)
    used, recent = set(), [f"{villages[0][3]}450880{1:04d}"]
    previous_kk = None
    for number in range(1, count + 1):
        village, district, regency, district_digits = draw.choice(villages)
        born = dt.date(1950, 1, 1) + dt.timedelta(days=draw.randrange(365 * 50))
        serial = 1 + number % 9000
        while (nik := f"{district_digits}{born.day + 40:02d}{born:%m%y}{serial:04d}") in used:
            serial += 1
        used.add(nik)
        if len(recent) < 1000:
            recent.append(nik)
        name = f"{draw.choice(WOMEN)} {draw.choice(WOMEN)}" if draw.random() < 0.6 else draw.choice(WOMEN)
        if draw.random() < 0.3:
            name = f"{name} binti {draw.choice(FATHERS)}"
        name = name.upper() if draw.random() < 0.5 else name
        kk = previous_kk if previous_kk and draw.random() < 0.05 else f"{district_digits}01{draw.randrange(10**8):08d}"
        previous_kk = kk
        form = draw.random()
        if form < 0.4:
            birth = born.strftime("%d/%m/%Y")
        elif form < 0.55:
            birth = born.strftime("%d-%m-%Y")
        elif form < 0.7:
            birth = born.isoformat()
        elif form < 0.85:
            birth = born  # a real date cell in the XLSX
        else:
            birth = f"{born.day} {MONTHS[born.month - 1]} {born.year}"
        shown_nik = draw.choice([nik, nik, f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}", f"'{nik}", nik])
        phone = f"08{draw.choice(['12', '13', '21', '52', '57', '77', '95'])}{draw.randrange(10**8):08d}"
        phone = draw.choice([phone, f"{phone[:4]}-{phone[4:8]}-{phone[8:]}", f"+62 {phone[1:4]} {phone[4:]}", ""])
        shown_village = draw.choice([village, village.upper(), f"Desa {village}", f" {village.lower()} ", village])
        shown_regency = draw.choice([regency, regency.replace("Kabupaten", "Kab."), regency.upper()])
        row = [
            number,
            name,
            shown_nik,
            kk,
            draw.choice(["P", "P", "Perempuan", ""]),
            district.title(),
            birth,
            draw.choice(MARITAL),
            draw.choice(EDUCATION),
            phone,
            draw.choice(["PEKKA", "KPM", "pekka", ""]),
            shown_regency,
            district,
            shown_village,
            str(draw.randrange(1, 15)),
            f"00{draw.randrange(1, 9)}",
            f"{draw.choice(STREETS)} No. {draw.randrange(1, 120)}",
            draw.choice(BUSINESS),
            draw.choice(FACILITATORS),
            "",
        ]
        mistake = draw.random()
        if mistake < 0.006:
            row[2] = nik[:-2]  # a NIK too short
        elif mistake < 0.011:
            row[6] = f"31/02/{born.year}"  # a date that does not exist
        elif mistake < 0.016:
            row[13] = village[:-1] + ("a" if village[-1] != "a" else "e")  # a misspelt village
        elif mistake < 0.020:
            row[2] = draw.choice(recent)  # the NIK of an earlier row: both rows are refused
        elif mistake < 0.024:
            row[9] = "12345"  # not a phone number
        elif mistake < 0.027:
            row[18] = "pendamping9"  # no such facilitator
        elif mistake < 0.030:
            row[1] = ""  # no name
        yield row


if __name__ == "__main__":
    sys.exit(main())
