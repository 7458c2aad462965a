"""Money is posted once: the key of the form that posted a repayment, a collection sheet (a row of its own) or a
disbursement, each unique. Maker-checker in the database: the decider of a proposal is not the one who wrote it.

SQLite rebuilds the repayment table to add its constraints, which drops the trigger that refuses updates
(0002): it is made again at the end."""

from importlib import import_module

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


guard = import_module("loans.migrations.0002_refuse_repayment_updates")


def renew_guard(apps, schema_editor):
    guard.drop_guard(apps, schema_editor)
    guard.create_guard(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('beneficiaries', '0006_fewer_history_indexes'),
        ('groups', '0002_no_history_date_index'),
        ('loans', '0002_refuse_repayment_updates'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CollectionSheet',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('client_uuid', models.UUIDField(editable=False, unique=True, verbose_name='form id')),
                ('paid_on', models.DateField(verbose_name='meeting date')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded at')),
            ],
            options={
                'verbose_name': 'collection sheet',
                'verbose_name_plural': 'collection sheets',
                'ordering': ['-paid_on', '-pk'],
            },
        ),
        migrations.AddField(
            model_name='proposal',
            name='disbursement_uuid',
            field=models.UUIDField(blank=True, editable=False, null=True, verbose_name='disbursement form id'),
        ),
        migrations.AddField(
            model_name='repayment',
            name='client_uuid',
            field=models.UUIDField(blank=True, editable=False, null=True, verbose_name='form id'),
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.CheckConstraint(condition=models.Q(('decided_by__isnull', True), models.Q(('decided_by', models.F('created_by')), _negated=True), _connector='OR'), name='decider_is_not_maker'),
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.UniqueConstraint(fields=('disbursement_uuid',), name='disbursement_form_used_once'),
        ),
        migrations.AddField(
            model_name='collectionsheet',
            name='group',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='collection_sheets', to='groups.group', verbose_name='group'),
        ),
        migrations.AddField(
            model_name='collectionsheet',
            name='recorded_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by'),
        ),
        migrations.AddField(
            model_name='repayment',
            name='sheet',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='repayments', to='loans.collectionsheet', verbose_name='collection sheet'),
        ),
        migrations.AddConstraint(
            model_name='repayment',
            constraint=models.UniqueConstraint(fields=('client_uuid',), name='repayment_form_used_once'),
        ),
        migrations.AddConstraint(
            model_name='repayment',
            constraint=models.UniqueConstraint(fields=('sheet', 'loan'), name='one_payment_per_loan_on_a_sheet'),
        ),
        migrations.RunPython(renew_guard, renew_guard),
    ]
