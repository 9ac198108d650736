"""The job board's periodic work as django-q2 schedules, run by `medcode worker`."""

from django.db import migrations

#: name -> dotted function; each runs hourly (a digest is sent only when it is due).
SCHEDULES = {
    "careers: saved-search digests": "medcode.careers.alerts.send_digests",
    "careers: archive expired postings": "medcode.careers.board.archive_expired",
}


def add_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, func in SCHEDULES.items():
        Schedule.objects.update_or_create(name=name, defaults={"func": func, "schedule_type": "H"})


def remove_schedules(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=SCHEDULES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("careers", "0001_initial"),
        ("django_q", "__latest__"),
    ]

    operations = [migrations.RunPython(add_schedules, remove_schedules)]
