from django.db import migrations

# Promised response time and monthly allowance of the default plans (docs/consult.md).
DESK = {"free": (48, 2), "member": (24, 30)}


def add(apps, schema_editor):
    Plan = apps.get_model("accounts", "Plan")
    DeskPlan = apps.get_model("consult", "DeskPlan")
    for name, (hours, per_month) in DESK.items():
        plan = Plan.objects.filter(name=name).first()
        if plan is not None:
            DeskPlan.objects.get_or_create(
                plan=plan, defaults={"response_hours": hours, "per_month": per_month}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("consult", "0001_initial"),
        ("accounts", "0002_default_plans_and_roles"),
    ]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
