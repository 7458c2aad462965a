"""Properties that hold for any input, checked with random inputs (hypothesis): money parsing, NIK checks, the
beneficiary import's row parser and repayment allocation."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from beneficiaries.importing.columns import COLUMNS
from beneficiaries.importing.read import ImportFileError, parse_rows
from beneficiaries.nik import check_nik, clean_nik
from loans.models import Instalment, Repayment
from loans.services import PARTS, allocate_repayment
from pekka.money import MAX_RUPIAH, RupiahField, grouped, to_rupiah
from tests.beneficiaries.factories import synthetic_nik
from tests.regions.factories import region_chain

FAST = settings(max_examples=150, deadline=None)
FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text a person (or a spreadsheet) might put in an amount box: digits with dots, commas, "Rp" and signs mixed in,
# the words Decimal would read as numbers, exponents, and anything at all.
AMOUNT_PIECES = st.sampled_from(
    ["Rp", "rp ", ".", ",", "-", "+", " ", "e", "E", "nan", "NaN", "sNaN", "inf", "Infinity", "0", "00", "1", "5", "9"]
)
amount_texts = st.one_of(
    st.text(),
    st.lists(st.one_of(AMOUNT_PIECES, st.integers(0, 10**20).map(str)), max_size=8).map("".join),
    st.integers(-(10**20), 10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


def _is_whole_rupiah(value) -> bool:
    return (
        isinstance(value, Decimal)
        and value.is_finite()
        and value == value.to_integral_value()
        and value.as_tuple().exponent == 0
        and abs(value) <= MAX_RUPIAH
    )


# --- money ---------------------------------------------------------------------------------------------------


@FAST
@given(amount_texts)
def test_to_rupiah_reads_whole_rupiah_or_refuses_with_a_message(text):
    try:
        amount = to_rupiah(text)
    except ValidationError as exc:
        assert exc.messages and all(exc.messages)
    else:
        assert _is_whole_rupiah(amount)


@FAST
@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_to_rupiah_of_any_decimal_is_whole_rupiah_or_a_message(value):
    try:
        amount = to_rupiah(value)
    except ValidationError as exc:
        assert exc.messages
        assert not value.is_finite() or abs(value) > MAX_RUPIAH - Decimal("0.5")
    else:
        assert _is_whole_rupiah(amount)


@FAST
@given(amount_texts)
def test_a_rupiah_form_field_accepts_only_whole_non_negative_amounts(text):
    field = RupiahField(required=False)
    try:
        amount = field.clean(text)
    except ValidationError as exc:
        assert exc.messages and all(exc.messages)
    else:
        assert amount is None or (_is_whole_rupiah(amount) and amount >= 0)
        if amount is None:
            assert not text.strip()


@pytest.mark.parametrize(
    "text",
    ["nan", "NaN", "-nan", "sNaN", "inf", "-inf", "Infinity", "-Infinity", "1e40", "1E5", "1e-3", "1e+40", "-5", "-1"],
)
def test_a_rupiah_form_field_refuses_what_is_not_a_written_amount(text):
    with pytest.raises(ValidationError) as refused:
        RupiahField().clean(text)
    assert refused.value.messages[0]


@pytest.mark.parametrize("text", ["nan", "NaN", "sNaN", "inf", "Infinity", "-Infinity", "1e40", "1E5", "1e+40"])
def test_to_rupiah_refuses_words_and_exponents(text):
    with pytest.raises(ValidationError):
        to_rupiah(text)


@FAST
@given(st.integers(0, int(MAX_RUPIAH)))
def test_an_amount_written_as_on_paper_reads_back_as_itself(n):
    assert to_rupiah(grouped(n)) == n
    assert to_rupiah(f"Rp {grouped(n)}") == n
    assert to_rupiah(str(n)) == n
    assert RupiahField().clean(f"Rp {grouped(n)}") == n


@FAST
@given(st.integers(int(MAX_RUPIAH) + 1, 10**30))
def test_amounts_beyond_fifteen_digits_are_refused(n):
    for value in (n, str(n), grouped(n)):
        with pytest.raises(ValidationError):
            to_rupiah(value)


# --- NIK -----------------------------------------------------------------------------------------------------

DISTRICTS = ["13.75.02", "13.06.07", "35.14.11", "71.71.03"]


@pytest.fixture
def districts(db):
    """Kecamatan codes the region list knows (the NIK check looks the first six digits up there)."""
    for code in DISTRICTS:
        parts = code.split(".")
        region_chain(*[(".".join(parts[:n]), f"Wilayah {'.'.join(parts[:n])}") for n in range(1, 4)])
    return DISTRICTS


nik_like = st.one_of(
    st.text(),
    st.from_regex(r"\A[0-9]{16}\Z"),
    st.from_regex(r"\A[0-9 .\-']{10,24}\Z"),
    st.text(alphabet=st.characters(categories=["Nd"]), min_size=16, max_size=16),  # digits of any script
)


@FEW
@given(nik_like)
def test_any_text_is_checked_without_crashing(districts, text):
    result = check_nik(text)
    assert result.nik == clean_nik(text)
    if result.ok:
        assert re.fullmatch(r"[0-9]{16}", result.nik), "only sixteen ASCII digits can pass"
        assert result.birth_date is not None and result.sex in {"P", "L"}
    else:
        assert all(isinstance(m, str) and m for m in result.errors)


@FEW
@given(
    district=st.sampled_from(DISTRICTS),
    birth_date=st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2008, 12, 31)),
    female=st.booleans(),
    serial=st.integers(1, 9999),
    separators=st.booleans(),
)
def test_a_nik_made_of_a_district_a_birth_date_and_a_serial_passes(
    districts, district, birth_date, female, serial, separators
):
    nik = synthetic_nik(district=district.replace(".", ""), birth_date=birth_date, female=female, serial=serial)
    typed = f"{nik[:4]} {nik[4:8]}.{nik[8:12]}-{nik[12:]}" if separators else nik
    result = check_nik(typed, birth_date=birth_date, sex="P" if female else "L")
    assert result.ok, result.errors
    assert result.warnings == []
    assert result.nik == nik
    assert result.district_code == district
    assert result.sex == ("P" if female else "L")
    assert (result.birth_date.day, result.birth_date.month) == (birth_date.day, birth_date.month)
    assert result.birth_date.year % 100 == birth_date.year % 100


@FEW
@given(st.one_of(st.from_regex(r"\A[0-9]{15}\Z"), st.from_regex(r"\A[0-9]{17}\Z")))
def test_fifteen_or_seventeen_digits_fail_with_a_message(districts, digits):
    result = check_nik(digits)
    assert not result.ok
    assert str(len(digits)) in result.errors[0]


@FAST
@given(st.text())
def test_cleaning_a_nik_removes_every_separator_once_and_for_all(text):
    cleaned = clean_nik(text)
    assert clean_nik(cleaned) == cleaned
    assert not re.search(r"[\s.\-'’`]", cleaned)


# --- the beneficiary import's row parser ---------------------------------------------------------------------

HEADER = [column.header for column in COLUMNS]
FIELDS = [column.field for column in COLUMNS]

# Cells as lists hold them: anything, numbers, dates in the usual spellings, NIK-like digits, choices' words.
cells = st.one_of(
    st.just(""),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=30),
    st.integers(-(10**17), 10**17).map(str),
    st.from_regex(r"\A[0-9 .']{14,20}\Z"),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)).map(lambda d: f"{d:%d/%m/%Y}"),
    st.sampled_from(["P", "L", "janda", "cerai", "SD", "SMA", "pekka", "002/001", "0812-3456-7890", "x" * 300]),
)
rows_of_cells = st.lists(st.lists(cells, min_size=len(HEADER), max_size=len(HEADER)), min_size=1, max_size=6)


def _csv(rows) -> io.BytesIO:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return io.BytesIO(out.getvalue().encode("utf-8"))


@FAST
@given(rows_of_cells)
def test_every_cell_of_a_random_list_is_read_or_named_in_a_message(rows):
    assume(not any(r[0].lstrip().startswith("#") for r in rows))  # a leading "#" makes the row a comment
    with translation.override("en"):
        parsed = parse_rows(_csv(rows), filename="daftar.csv")
        by_number = {row.number: row for row in parsed.rows}
        for line, cells_of_row in enumerate(rows, start=2):  # the header is line 1
            if all(not c.strip() for c in cells_of_row):
                assert line not in by_number  # a blank row is skipped
                continue
            row = by_number[line]
            problem_columns = {p.column for p in row.errors}
            for header, name, cell in zip(HEADER, FIELDS, cells_of_row, strict=True):
                if not cell.strip():
                    continue
                assert getattr(row, name) is not None or header in problem_columns, (
                    f"line {line}: the cell {cell!r} of “{header}” was neither read nor refused"
                )
            for problem, message in zip(row.errors, row.messages(), strict=True):
                assert f"Row {line}" in message
                if problem.column:
                    assert f"“{problem.column}”" in message and problem.column in HEADER


@FAST
@given(st.lists(st.lists(cells, max_size=len(HEADER) + 3), max_size=5))
def test_a_list_of_ragged_random_rows_never_crashes_the_parser(rows):
    try:
        parsed = parse_rows(_csv(rows), filename="daftar.csv")
    except ImportFileError as exc:
        assert str(exc)
    else:
        assert all(row.number >= 2 for row in parsed.rows)


# --- repayment allocation ------------------------------------------------------------------------------------

money = st.integers(0, 5_000_000).map(Decimal)


@st.composite
def schedules(draw):
    """A schedule of 1-8 instalments, each partly paid already (every paid part at most what is due)."""
    instalments = []
    first_due = draw(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 1, 1)))
    for number in range(1, draw(st.integers(1, 8)) + 1):
        due = {part: draw(money) for part in PARTS}
        paid = {part: Decimal(draw(st.integers(0, int(due[part])))) if draw(st.booleans()) else 0 for part in PARTS}
        instalments.append(
            Instalment(
                number=number,
                due_on=first_due + dt.timedelta(days=30 * (number - 1)),
                **{f"{part}_due": due[part] for part in PARTS},
                **{f"{part}_paid": Decimal(paid[part]) for part in PARTS},
            )
        )
    return instalments


def _outstanding(instalments) -> Decimal:
    return sum((i.remaining for i in instalments), Decimal(0))


@FAST
@given(schedules(), st.data())
def test_an_allocated_repayment_adds_up_and_pays_the_oldest_first(instalments, data):
    outstanding = _outstanding(instalments)
    assume(outstanding > 0)
    amount = Decimal(data.draw(st.integers(1, int(outstanding))))
    before = [{part: getattr(i, f"{part}_paid") for part in PARTS} for i in instalments]
    repayment = Repayment(amount=amount, paid_on=dt.date(2026, 6, 1))

    allocations = allocate_repayment(repayment, instalments)

    assert sum(sum(getattr(a, part) for part in PARTS) for a in allocations) == amount
    assert _outstanding(instalments) == outstanding - amount
    for instalment, was in zip(instalments, before, strict=True):
        for part in PARTS:
            paid, due = getattr(instalment, f"{part}_paid"), getattr(instalment, f"{part}_due")
            assert was[part] <= paid <= due, "a part went below what was paid or above what is due"
        assert instalment.remaining >= 0
    for allocation in allocations:
        assert all(getattr(allocation, part, 0) >= 0 for part in PARTS)
    # Oldest first: every instalment before the last one paid into is paid up.
    touched = [instalments.index(a.instalment) for a in allocations]
    assert touched == sorted(touched)
    if touched:
        assert all(i.remaining == 0 for i in instalments[: touched[-1]])
        # Within an instalment: penalty, fee, interest, then principal.
        last = instalments[touched[-1]]
        for earlier, later in zip(PARTS, PARTS[1:], strict=False):
            if getattr(last, f"{later}_paid") > before[touched[-1]][later]:
                assert getattr(last, f"{earlier}_paid") == getattr(last, f"{earlier}_due")


@FAST
@given(schedules(), st.integers(1, 1_000_000))
def test_a_repayment_above_the_balance_is_refused(instalments, excess):
    repayment = Repayment(amount=_outstanding(instalments) + excess, paid_on=dt.date(2026, 6, 1))
    with pytest.raises(ValidationError):
        allocate_repayment(repayment, instalments)
