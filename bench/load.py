"""Load benchmark: the main pages under gunicorn on PostgreSQL with the generated national-size data.

    .venv/bin/python bench/load.py [--users 8] [--duration 60] [--workers 4] [--beneficiaries 100000]

(``make bench`` runs it.) Steps, each skipped when already done:

1. create the database (``BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/pekka_scale``),
   migrate, load the regions and generate the data (``generate_scale_data``; the bench-* users mark it done);
2. collect the static files and start gunicorn as production runs it (``DEBUG=0``, WhiteNoise with the
   manifest, ``--workers`` sync workers) on 127.0.0.1:8077;
3. count each page's SQL queries (one request through Django's test client, in this process, same database);
4. time the import check of a 10,000-row CSV in this process (``parse_rows`` + ``match_rows``: what the
   upload's background task does before showing the preview);
5. drive the pages with ``--users`` simulated users (four facilitators, two managers, a coordinator and an
   admin; threads, stdlib HTTP) for ``--duration`` seconds, each looping over its role's pages;
6. write ``bench/results/<date>-<time>.json`` and print requests, p50, p95, p99, errors and queries per page.

Only loopback is ever contacted; the load stops by itself.
"""

import argparse
import datetime as dt
import http.client
import io
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/pekka_scale"
HOST, PORT = "127.0.0.1", 8077
TARGET_P95_MS = 300
RAMP_UP_S = 0.5  # between two simulated users' arrivals
# The password generate_scale_data gives the bench-* users (documented in bench/README.md).
DEFAULT_PASSWORD = "pekka-bench-2026"
# Which simulated user plays which role: the load a programme's office sees is mostly facilitators on phones.
ROLES = ("facilitator", "facilitator", "facilitator", "facilitator", "manager", "manager", "coordinator", "admin")


def server_env(database_url: str, *, figures_cache: bool = True) -> dict:
    """The environment of a production-like server (and of this script's own Django)."""
    return {
        **os.environ,
        # bench/settings.py: production's settings plus the shared cache of dashboard figures (docs/deploy.md).
        "DJANGO_SETTINGS_MODULE": "bench.settings" if figures_cache else "pekka.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-" + "x" * 50),
        "STATIC_MANIFEST": "1",
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(args, env: dict) -> None:
    """Database, schema, regions, data and static files, each only when missing."""
    import psycopg2

    url = urllib.parse.urlparse(args.database_url)
    name = url.path.lstrip("/")
    admin = psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user=url.username, password=url.password, dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            print(f"Creating database {name}", flush=True)
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    manage(env, "migrate", "--noinput", "-v0")
    check = subprocess.run(
        [PY, "manage.py", "shell", "-c", "from pekka.regions.models import Region; print(Region.objects.exists())"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    if check.stdout.strip().splitlines()[-1:] != ["True"]:
        manage(env, "load_regions")
    manage(
        env,
        "generate_scale_data",
        "--skip-if-generated",
        "--beneficiaries",
        str(args.beneficiaries),
        "--until",
        args.until,
    )
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "createcachetable")


def start_server(args, env: dict) -> subprocess.Popen:
    gunicorn = Path(PY).parent / "gunicorn"
    server = subprocess.Popen(
        [
            str(gunicorn),
            "pekka.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"{HOST}:{PORT}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, PORT, timeout=5)
            connection.request("GET", "/healthz/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz/ within 60 s")


# --- the pages ---


@dataclass
class Page:
    name: str
    path: str
    post_form: bool = False  # GET the form at ``path``, then POST it back with a fresh client_uuid


@dataclass
class Plan:
    pages: dict = field(default_factory=dict)  # role -> list of lists of Page (one list per variant)
    usernames: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    login_path: str = ""
    second_factor_path: str = ""
    # Roles whose login needs a second factor (administrators, managers) → one-time recovery codes to type, one a
    # login: the bench measures the whole login, second step included (a TOTP code could not be reused at once).
    recovery_codes: dict = field(default_factory=dict)
    codes_lock: threading.Lock = field(default_factory=threading.Lock)


def discover() -> Plan:
    """Picks, with the ORM, the records each role's pages show: several of each, so no one row stays cached."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.urls import reverse

    from beneficiaries.models import Beneficiary, BusinessType
    from groups.models import Group
    from loans.models import Loan
    from mentoring.models import Visit
    from pekka.devdata.scale import BENCH_USERS
    from pekka.programmes.models import Programme

    users = {role: get_user_model().objects.get(username=name) for role, name in BENCH_USERS.items()}
    plan = Plan(
        usernames={role: user.username for role, user in users.items()},
        login_path=reverse("accounts:login"),
        second_factor_path=reverse("accounts:second_factor_verify"),
    )
    for role, user in users.items():
        if user.must_use_second_factor:
            plan.recovery_codes[role] = bench_recovery_codes(user)
    plan.counts = {
        "beneficiaries": Beneficiary.objects.count(),
        "groups": Group.objects.count(),
        "visits": Visit.objects.count(),
        "loans": Loan.objects.count(),
    }
    facilitator, manager = users["facilitator"], users["manager"]
    women = list(
        Beneficiary.objects.visible_to(facilitator)
        .filter(enrolments__status="active")
        .order_by("pk")
        .values_list("pk", "full_name")[:20]
    )
    groups = list(Group.objects.visible_to(facilitator).order_by("pk").values_list("pk", flat=True)[:10])
    groups_with_loans = list(
        Group.objects.visible_to(facilitator)
        .annotate(n=Count("loans"))
        .filter(n__gt=0)
        .order_by("pk")
        .values_list("pk", flat=True)[:10]
    )
    loans = list(Loan.objects.visible_to(facilitator).order_by("pk").values_list("pk", flat=True)[:20])
    programmes = list(Programme.objects.visible_to(manager).order_by("pk").values_list("pk", flat=True))
    staff_women = list(Beneficiary.objects.visible_to(manager).order_by("?").values_list("pk", flat=True)[:20])
    staff_loans = list(Loan.objects.visible_to(manager).order_by("pk").values_list("pk", flat=True)[:20])
    business_type = BusinessType.objects.order_by("position").first().pk
    beneficiary_list = reverse("beneficiaries:list")

    def search(name):
        return f"{beneficiary_list}?q={urllib.parse.quote(name.split()[-1])}"

    variants = range(10)
    plan.pages["facilitator"] = [
        [
            Page("facilitator's day", "/"),
            Page("beneficiary list: name search", search(women[i % len(women)][1])),
            Page(
                "beneficiary list: filters",
                f"{beneficiary_list}?status=active&business_type={business_type}&sort=-created",
            ),
            Page("beneficiary page", reverse("beneficiaries:detail", args=[women[i % len(women)][0]])),
            Page("visit form GET+POST", reverse("mentoring:visit_create", args=[women[i % len(women)][0]]), True),
            Page("group list", reverse("groups:list")),
            Page("group progress page", reverse("groups:detail", args=[groups[i % len(groups)]])),
            Page("loan page", reverse("loans:detail", args=[loans[i % len(loans)]])),
            Page("visit list", reverse("mentoring:visit_list") + (f"?page={i + 1}" if i % 2 else "")),
            Page("loan list", reverse("loans:list")),
            Page(
                "collection sheet",
                reverse("loans:collection_sheet", args=[groups_with_loans[i % len(groups_with_loans)]]),
            ),
        ]
        for i in variants
    ]
    plan.pages["manager"] = [
        [
            Page("manager dashboard", reverse("dashboards:dashboard")),
            Page("programme report", reverse("dashboards:report", args=[programmes[i % len(programmes)]])),
            Page("beneficiary list: name search (manager)", search(women[(i + 3) % len(women)][1])),
            Page(
                "beneficiary list: filters (manager)",
                f"{beneficiary_list}?programme={programmes[i % len(programmes)]}&status=active"
                f"&business_type={business_type}&sort=village",
            ),
            Page("beneficiary page (manager)", reverse("beneficiaries:detail", args=[staff_women[i]])),
            Page("group list (manager)", reverse("groups:list") + f"?page={i + 1}"),
            Page("loan page (manager)", reverse("loans:detail", args=[staff_loans[i]])),
            Page("visit list (manager)", reverse("mentoring:visit_list") + f"?page={i + 1}"),
            Page("loan list (manager)", reverse("loans:list") + ("?bucket=par30" if i % 2 else "")),
            Page("team workload", reverse("dashboards:team")),
        ]
        for i in variants
    ]
    plan.pages["coordinator"] = [
        [
            Page("coordinator's home", "/"),
            Page("beneficiary list (coordinator)", f"{beneficiary_list}?page={i + 1}"),
            Page("group list (coordinator)", reverse("groups:list")),
        ]
        for i in variants
    ]
    plan.pages["admin"] = [
        [
            Page("manager dashboard (admin, all programmes)", reverse("dashboards:dashboard")),
            Page("beneficiary list: name search (admin)", search(women[(i + 5) % len(women)][1])),
            Page("beneficiary list (admin)", beneficiary_list),
        ]
        for i in variants
    ]
    return plan


class _FormFields(HTMLParser):
    """The fields of the form that holds ``client_uuid``, with the values a browser would send as rendered."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = []
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.current.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self.select = {"name": a["name"], "multiple": "multiple" in a, "chosen": [], "first": None}
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in a:
                self.select["chosen"].append(value)
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select" and self.select is not None:
            s = self.select
            chosen = s["chosen"] or ([] if s["multiple"] or s["first"] is None else [s["first"]])
            if self.current is not None:
                self.current.extend((s["name"], value) for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            if self.current is not None:
                self.current.append(tuple(self.textarea))
            self.textarea = None


def visit_form_data(html: str) -> list[tuple[str, str]]:
    parser = _FormFields()
    parser.feed(html)
    form = next(f for f in parser.forms if any(name == "client_uuid" for name, _ in f))
    data = [(name, value) for name, value in form if name not in {"client_uuid", "notes"}]
    return [*data, ("client_uuid", str(uuid.uuid4())), ("notes", "Kunjungan uji beban.")]


# --- queries per page (in process) ---


def count_queries(plan: Plan) -> dict:
    """One request per page through Django's test client after a warm-up one: queries, their time, the slowest."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    found = {}
    for role, variants in plan.pages.items():
        client = Client(HTTP_HOST=HOST)
        client.force_login(get_user_model().objects.get(username=plan.usernames[role]))
        if role in plan.recovery_codes:
            client.post(plan.second_factor_path, {"code": plan.recovery_codes[role].pop()})
        for first, page in zip(variants[0], variants[1], strict=True):
            for attempt in (first, page):  # the first one warms caches up; the second one counts
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(attempt.path)
                    elapsed = (time.perf_counter() - started) * 1000
            name = page.name.replace("GET+POST", "GET")
            found[name] = _query_summary(captured, elapsed, response)
            if page.post_form and response.status_code == 200:
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.post(page.path, dict_of_lists(visit_form_data(response.text)))
                    elapsed = (time.perf_counter() - started) * 1000
                found[page.name.replace("GET+POST", "POST")] = _query_summary(captured, elapsed, response)
    return found


def _query_summary(captured, elapsed: float, response) -> dict:
    slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
    return {
        "queries": len(captured.captured_queries),
        "query_ms": round(sum(float(q["time"]) for q in captured.captured_queries) * 1000),
        "single_request_ms": round(elapsed),
        "status": response.status_code,
        "slowest_sql": [{"ms": round(float(q["time"]) * 1000), "sql": q["sql"][:4000]} for q in slowest],
    }


def dict_of_lists(pairs):
    data = defaultdict(list)
    for name, value in pairs:
        data[name].append(value)
    return dict(data)


# --- the import check (in process) ---


def time_import_check(rows: int = 10_000, repeats: int = 3) -> dict:
    """``parse_rows`` + ``match_rows`` of a made-up CSV of ``rows`` women in the bench manager's first programme's
    villages (the upload page's check, run in its background task)."""
    from django.contrib.auth import get_user_model

    from beneficiaries.importing.match import match_rows
    from beneficiaries.importing.read import parse_rows
    from pekka.programmes.models import Programme
    from pekka.regions.models import Region

    manager = get_user_model().objects.get(username="bench-manager")
    programme = Programme.objects.visible_to(manager).order_by("pk").first()
    villages = list(
        Region.objects.filter(level=4, households__beneficiaries__enrolments__programme=programme)
        .select_related("parent__parent")
        .distinct()[:40]
    )
    draw = random.Random(9)
    lines = ["nama;nik;tanggal_lahir;telepon;kabupaten;kecamatan;desa;jenis_usaha"]
    for n in range(rows):
        village = draw.choice(villages)
        born = dt.date(1960, 1, 1) + dt.timedelta(days=draw.randrange(365 * 40))
        nik = f"{village.code.replace('.', '')[:6]}{born.day + 40:02d}{born:%m%y}{9000 + n % 999:04d}"
        lines.append(
            f"Ibu Uji {n};{nik};{born:%d/%m/%Y};0812{draw.randrange(10**7):07d};{village.parent.parent.name};"
            f"{village.parent.name};{village.name};sulaman"
        )
    content = ("\n".join(lines) + "\n").encode()
    timings, invalid = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        parsed = parse_rows(io.BytesIO(content), filename="uji.csv")
        plan = match_rows(parsed, programme=programme)
        timings.append((time.perf_counter() - started) * 1000)
        invalid = sum(1 for row in plan.rows if row.errors)
    return {"rows": rows, "runs_ms": [round(t) for t in timings], "invalid_rows": invalid}


# --- the load ---


class Browser:
    """A cookie-keeping HTTP client for one simulated user (gunicorn's sync workers close each connection)."""

    def __init__(self):
        self.cookies = {}

    def request(self, method: str, path: str, data=None) -> tuple[int, str]:
        headers = {"Host": f"{HOST}:{PORT}", "User-Agent": "pekka-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{PORT}{path}"
        connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, text
        finally:
            connection.close()

    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")


@dataclass
class Recorder:
    times: dict = field(default_factory=lambda: defaultdict(list))
    errors: dict = field(default_factory=lambda: defaultdict(int))
    samples: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    counting_from: float = 0.0  # time.monotonic() before which requests warm up and are not counted

    def timed(self, name: str, call, ok=lambda status, text: status < 400):
        warming = time.monotonic() < self.counting_from
        started = time.perf_counter()
        try:
            status, text = call()
        except OSError as exc:
            status, text = 599, repr(exc)
        elapsed = (time.perf_counter() - started) * 1000
        if warming:
            return status, text
        with self.lock:
            self.times[name].append(elapsed)
            if not ok(status, text):
                self.errors[name] += 1
                self.samples.setdefault(name, f"{status}: {text[:300]}")
        return status, text


def bench_recovery_codes(user, count: int = 2000) -> list[str]:
    """Enough one-time recovery codes for every login of the run (django-otp's static device); made anew each run,
    on the bench's own generated database only."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=user, name="bench").delete()
    device = StaticDevice.objects.create(user=user, name="bench", confirmed=True)
    codes = [f"bench{i:06d}" for i in range(count)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def log_in(browser: Browser, recorder: Recorder, plan: Plan, role: str, password: str) -> None:
    recorder.timed("login page", lambda: browser.request("GET", plan.login_path))
    recorder.timed(
        "login (POST, password hashing)",
        lambda: browser.request(
            "POST",
            plan.login_path,
            {"username": plan.usernames[role], "password": password, "csrfmiddlewaretoken": browser.csrf()},
        ),
        ok=lambda status, text: status == 302,
    )
    if role in plan.recovery_codes:
        with plan.codes_lock:
            code = plan.recovery_codes[role].pop()
        recorder.timed(
            "login second factor (POST)",
            lambda: browser.request(
                "POST", plan.second_factor_path, {"code": code, "csrfmiddlewaretoken": browser.csrf()}
            ),
            ok=lambda status, text: status == 302,
        )


def simulated_user(
    number: int,
    role: str,
    plan: Plan,
    recorder: Recorder,
    deadline: float,
    password: str,
    think: tuple[float, float] = (0.0, 0.0),
) -> None:
    """One person: logs in, then goes through her role's pages, reading each for ``think`` seconds (a random time
    between the two bounds) before the next tap."""
    draw = random.Random(number)
    browser = Browser()
    log_in(browser, recorder, plan, role, password)
    cycle = 0
    while time.monotonic() < deadline:
        for page in draw.choice(plan.pages[role]):
            if think[1]:
                time.sleep(draw.uniform(*think))
            if time.monotonic() >= deadline:
                return
            if not page.post_form:
                recorder.timed(page.name, lambda p=page, b=browser: b.request("GET", p.path))
                continue
            status, html = recorder.timed(
                page.name.replace("GET+POST", "GET"), lambda p=page, b=browser: b.request("GET", p.path)
            )
            if status != 200:
                continue
            recorder.timed(
                page.name.replace("GET+POST", "POST"),
                lambda p=page, h=html, b=browser: b.request("POST", p.path, visit_form_data(h)),
                ok=lambda status, text: status == 302,
            )
        cycle += 1
        if cycle % 5 == 0:  # now and then a user logs in again (a new phone, a shared computer)
            browser = Browser()
            log_in(browser, recorder, plan, role, password)


def run_load(
    plan: Plan, *, users: int, duration: float, password: str, think: tuple[float, float], warm_up: float
) -> Recorder:
    """``users`` people for ``warm_up`` + ``duration`` seconds; only the last ``duration`` seconds are counted
    (as locust's --reset-stats after the ramp-up): the first requests of each gunicorn worker compile its
    templates and open its database connection, which a running server has long done."""
    recorder = Recorder(counting_from=time.monotonic() + warm_up)
    deadline = time.monotonic() + warm_up + duration
    threads = [
        threading.Thread(
            target=simulated_user,
            args=(n, ROLES[n % len(ROLES)], plan, recorder, deadline, password, think),
            daemon=True,
        )
        for n in range(users)
    ]
    for thread in threads:
        # Users arrive one by one (half a second apart, as locust's spawn rate does) rather than all logging in,
        # eight password hashes at once, in the same instant.
        thread.start()
        time.sleep(RAMP_UP_S)
    for thread in threads:
        thread.join(warm_up + duration + 120)
    return recorder


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summarise(recorder: Recorder, queries: dict) -> dict:
    pages = {}
    for name, times in recorder.times.items():
        counted = queries.get(name)
        pages[name] = {
            "requests": len(times),
            "p50_ms": round(percentile(times, 0.50)),
            "p95_ms": round(percentile(times, 0.95)),
            "p99_ms": round(percentile(times, 0.99)),
            "max_ms": round(max(times)),
            "errors": recorder.errors.get(name, 0),
            "queries": counted["queries"] if counted else None,
            "error_sample": recorder.samples.get(name, ""),
        }
    return pages


def print_table(pages: dict, import_check: dict | None) -> None:
    header = f"{'page':46} {'requests':>8} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>6} {'queries':>7}"
    print(header)
    print("-" * len(header))
    for name, row in sorted(pages.items()):
        flag = "" if row["p95_ms"] < TARGET_P95_MS and not row["errors"] else "  <-"
        queries = "" if row["queries"] is None else row["queries"]
        print(
            f"{name:46} {row['requests']:>8} {row['p50_ms']:>6} {row['p95_ms']:>6} {row['p99_ms']:>6} "
            f"{row['errors']:>6} {queries:>7}{flag}"
        )
    if import_check:
        runs = import_check.get("runs_ms")
        if runs:
            print(
                f"{'import check, ' + str(import_check['rows']) + ' rows (in process)':46} {len(runs):>8} "
                f"{round(sorted(runs)[len(runs) // 2]):>6} {max(runs):>6} {max(runs):>6}"
            )
        else:
            print(f"import check: {import_check.get('error')}")
    print(f"(times in ms; <- marks a page over the {TARGET_P95_MS} ms p95 target or with errors)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--beneficiaries", type=int, default=100_000)
    parser.add_argument("--until", default=dt.date.today().isoformat(), help="last day of the generated years")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--password", default=os.environ.get("BENCH_PASSWORD", DEFAULT_PASSWORD))
    parser.add_argument(
        "--think",
        default="1-3",
        help="seconds each user reads a page before the next, as MIN-MAX (default 1-3; 0 for back-to-back requests)",
    )
    parser.add_argument(
        "--warm-up", type=float, default=15, help="seconds of load before the counted duration (default 15)"
    )
    parser.add_argument("--label", default="", help="a note stored with the results (e.g. 'before indexes')")
    parser.add_argument("--no-prepare", action="store_true", help="skip step 1 (the database is ready)")
    parser.add_argument(
        "--single-only",
        action="store_true",
        help="only the in-process single requests (each page's own time, queries and slowest SQL); no load",
    )
    parser.add_argument(
        "--no-figures-cache", action="store_true", help="plain pekka.settings: dashboard figures computed live"
    )
    args = parser.parse_args()
    low, _, high = args.think.partition("-")
    think = (float(low), float(high or low))

    env = server_env(args.database_url, figures_cache=not args.no_figures_cache)
    if not args.no_prepare:
        prepare(args, env)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    plan = discover()
    print(f"Data: {', '.join(f'{n:,} {k}' for k, n in plan.counts.items())}", flush=True)
    print("Counting queries per page…", flush=True)
    queries = count_queries(plan)
    if args.single_only:
        for name, found in sorted(queries.items()):
            print(
                f"{name:46} {found['single_request_ms']:>7} ms {found['query_ms']:>6} ms SQL "
                f"{found['queries']:>4} queries"
            )
            for slow in found["slowest_sql"][:2]:
                if slow["ms"] >= 20:
                    print(f"{'':8}{slow['ms']:>5} ms  {slow['sql'][:160]}")
        return 0
    print("Timing the import check…", flush=True)
    try:
        import_check = time_import_check()
    except Exception as exc:  # noqa: BLE001 - the import is another module's; report, don't stop the bench
        import_check = {"error": repr(exc)}
    from django.db import connections

    connections.close_all()
    server = start_server(args, env)
    load_before = os.getloadavg()[0]
    try:
        print(
            f"Load: {args.users} users for {args.warm_up:.0f} s of warm-up + {args.duration:.0f} s counted, "
            f"{think[0]:g}–{think[1]:g} s on each page, against "
            f"gunicorn ({args.workers} workers)…",
            flush=True,
        )
        recorder = run_load(
            plan, users=args.users, duration=args.duration, password=args.password, think=think, warm_up=args.warm_up
        )
    finally:
        server.terminate()
        server.wait(30)
    pages = summarise(recorder, queries)
    stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M%S")
    results = {
        "date": stamp,
        "label": args.label,
        "data": plan.counts,
        "load": {
            "users": args.users,
            "duration_s": args.duration,
            "workers": args.workers,
            "think_s": list(think),
            "warm_up_s": args.warm_up,
            "requests_per_s": round(sum(len(t) for t in recorder.times.values()) / args.duration, 1),
            "roles": ROLES,
            "settings": env["DJANGO_SETTINGS_MODULE"],
            # The machine's 1-minute load average before and after: other work on it inflates every figure.
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            "cpus": os.cpu_count(),
        },
        "pages": pages,
        "queries": queries,
        "import_check": import_check,
    }
    out = ROOT / "bench" / "results" / f"{stamp}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print()
    print_table(pages, import_check)
    print(f"{results['load']['requests_per_s']} requests/s in all")
    print(f"Load average (1 min) before/after: {load_before:.2f} / {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"\nWritten to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
