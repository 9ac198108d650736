"""The job board's digests and archiving run from the task queue's schedules."""

from __future__ import annotations

import importlib

import pytest
from django.utils.module_loading import import_string
from django_q.models import OrmQ, Schedule
from django_q.scheduler import scheduler

SCHEDULES = importlib.import_module("medcode.careers.migrations.0002_schedules").SCHEDULES

pytestmark = pytest.mark.django_db


def test_the_migration_schedules_digests_and_archiving_hourly() -> None:
    found = {s.name: s for s in Schedule.objects.filter(name__in=SCHEDULES)}
    assert set(found) == set(SCHEDULES)
    for name, schedule in found.items():
        assert schedule.schedule_type == Schedule.HOURLY
        assert callable(import_string(schedule.func)), name


def test_the_scheduler_queues_them_when_due(monkeypatch: pytest.MonkeyPatch) -> None:
    # django-q2 closes "old" connections first; inside the test's transaction on PostgreSQL
    # that would close the test's own connection (the worker runs outside any transaction).
    monkeypatch.setattr("django_q.scheduler.close_old_django_connections", lambda: None)
    before = OrmQ.objects.count()
    scheduler()
    queued = {task.func() for task in OrmQ.objects.all()[before:]}
    assert set(SCHEDULES.values()) <= queued
