"""The default plans (guest, free, member) and the staff role groups."""

from django.db import migrations

PLANS = [
    # name, label, code pages per period (None: unlimited), API requests a day, rank
    ("guest", "Guest", 1, 100, 0),
    ("free", "Free account", 6, 1000, 10),
    ("member", "Member", None, 50000, 20),
]
ROLES = ["editor", "consultant", "employer", "admin"]


def create(apps, schema_editor):
    Plan = apps.get_model("accounts", "Plan")
    for name, label, pages, api, rank in PLANS:
        Plan.objects.get_or_create(
            name=name,
            defaults={
                "label": label,
                "code_pages": pages,
                "period_days": 30,
                "api_requests_per_day": api,
                "rank": rank,
            },
        )
    Group = apps.get_model("auth", "Group")
    for role in ROLES:
        Group.objects.get_or_create(name=role)


def remove(apps, schema_editor):
    apps.get_model("accounts", "Plan").objects.filter(name__in=[p[0] for p in PLANS]).delete()
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, remove)]
