"""The database itself refuses to change a repayment row: corrections are reversals (new rows), so an UPDATE
can only be a mistake or tampering. Deleting stays possible at the SQL level for test-database flushes; the
model and its queryset refuse it.

On SQLite a later migration that rebuilds the repayment table drops the trigger: such a migration must create it
again (``create_guard``)."""

from django.db import migrations

SQLITE_CREATE = """
CREATE TRIGGER loans_repayment_no_update BEFORE UPDATE ON loans_repayment
BEGIN
    SELECT RAISE(ABORT, 'repayments are never changed: reverse one instead');
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS loans_repayment_no_update;"

POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION loans_repayment_no_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'repayments are never changed: reverse one instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER loans_repayment_no_update BEFORE UPDATE ON loans_repayment
    FOR EACH ROW EXECUTE FUNCTION loans_repayment_no_update();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS loans_repayment_no_update ON loans_repayment;
DROP FUNCTION IF EXISTS loans_repayment_no_update();
"""


def create_guard(apps, schema_editor):
    sql = {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def drop_guard(apps, schema_editor):
    sql = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("loans", "0001_loans_and_grants")]

    operations = [migrations.RunPython(create_guard, drop_guard)]
