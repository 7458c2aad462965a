from django.db import migrations

# The managed list's starting point (DOMAIN.md, issue 3); admins add or retire types in the Django admin.
TYPES = [
    ("sulaman", "Sulaman / bordir", "Embroidery"),
    ("menjahit", "Menjahit", "Sewing"),
    ("aksesoris", "Aksesoris dan suvenir", "Accessories and souvenirs"),
    ("makanan", "Makanan ringan / olahan pangan", "Snacks and food"),
    ("warung", "Warung kebutuhan sehari-hari", "Daily-needs kiosk"),
    ("ternak", "Peternakan", "Livestock"),
    ("anyaman", "Anyaman / kerajinan bambu", "Weaving and bamboo crafts"),
    ("jasa", "Jasa", "Services"),
    ("lainnya", "Lainnya", "Other"),
]


def add_types(apps, schema_editor):
    BusinessType = apps.get_model("beneficiaries", "BusinessType")
    for position, (code, name, name_en) in enumerate(TYPES, start=1):
        BusinessType.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0001_registry")]

    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
