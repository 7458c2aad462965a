import datetime as dt
import os
import time

from django.core.management.base import BaseCommand, CommandError

from pekka.devdata.scale import BENCH_USERS, DEFAULT_UNTIL, ScaleDataError, generate

FULL_SIZE = 100_000


class Command(BaseCommand):
    help = (
        "Fills an empty database (regions loaded) with a national-size made-up data set for load tests: "
        "women, groups, visits, trainings, monitoring, loans. Deterministic for a seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--beneficiaries", type=int, default=FULL_SIZE, help="Women at scale 1 (100000).")
        parser.add_argument("--scale", type=float, default=1.0, help="Multiplies every size (0.01: 1,000 women).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--until",
            type=dt.date.fromisoformat,
            default=DEFAULT_UNTIL,
            help=f"Last day of the three years of records (default {DEFAULT_UNTIL:%Y-%m-%d}).",
        )
        parser.add_argument(
            "--bench-password",
            default=os.environ.get("BENCH_PASSWORD", "pekka-bench-2026"),
            help="Password of the bench-* users (default: $BENCH_PASSWORD or pekka-bench-2026); other "
            "generated users cannot log in.",
        )
        parser.add_argument(
            "--skip-if-generated", action="store_true", help="Do nothing (and succeed) if the data is already there."
        )

    def handle(self, *args, beneficiaries, scale, seed, until, bench_password, skip_if_generated, **options):
        from django.contrib.auth import get_user_model

        if skip_if_generated and get_user_model().objects.filter(username=BENCH_USERS["admin"]).exists():
            self.stdout.write("Generated data already present; nothing to do.")
            return
        women = max(10, round(beneficiaries * scale))
        started = time.monotonic()
        try:
            counts = generate(
                beneficiaries=women,
                seed=seed,
                until=until,
                bench_password=bench_password,
                log=lambda line: self.stdout.write(f"  {line}"),
            )
        except ScaleDataError as exc:
            raise CommandError(str(exc)) from exc
        summary = ", ".join(f"{n:,} {label}" for label, n in sorted(counts.items()))
        self.stdout.write(f"Generated in {time.monotonic() - started:.0f} s: {summary}.")
