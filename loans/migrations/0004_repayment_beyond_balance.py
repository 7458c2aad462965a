"""A repayment received in the field for a loan paid meanwhile is recorded in full; this flag says that what
exceeds the balance may stay unallocated (the borrower's credit).

SQLite rebuilds the repayment table to add the column, which drops the trigger that refuses updates (0002): it is
made again at the end."""

from importlib import import_module

from django.db import migrations, models

guard = import_module("loans.migrations.0002_refuse_repayment_updates")


def renew_guard(apps, schema_editor):
    guard.drop_guard(apps, schema_editor)
    guard.create_guard(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("loans", "0003_key_money_forms_and_maker_checker"),
    ]

    operations = [
        migrations.AddField(
            model_name="repayment",
            name="beyond_balance",
            field=models.BooleanField(default=False, editable=False, verbose_name="accepted beyond the balance"),
        ),
        migrations.RunPython(renew_guard, renew_guard),
    ]
