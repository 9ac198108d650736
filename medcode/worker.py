"""`medcode worker`: runs the queued background tasks (django-q2 on the ORM broker).

By default it is django-q2's own cluster (``qcluster``: a sentinel, pusher, workers and a
monitor as processes). ``--threads`` runs the same pusher, worker and monitor functions of
django-q2 on threads of one process instead: what a small install on SQLite needs, and what the
tests run (their in-memory database is shared between threads, not processes).
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing import Value


@contextmanager
def threaded_worker() -> Iterator[threading.Event]:
    """django-q2's pusher, one worker and the monitor on threads until the block ends."""
    from django_q.brokers import get_broker
    from django_q.monitor import monitor
    from django_q.pusher import pusher
    from django_q.worker import worker

    stop = threading.Event()
    tasks: queue.Queue[object] = queue.Queue()
    results: queue.Queue[object] = queue.Queue()
    timer = Value("f", -1)
    threads = [
        threading.Thread(target=pusher, args=(tasks, stop, get_broker()), daemon=True),
        threading.Thread(target=worker, args=(tasks, results, timer), daemon=True),
        threading.Thread(target=monitor, args=(results, get_broker()), daemon=True),
    ]
    for thread in threads:
        thread.start()
    try:
        yield stop
    finally:
        stop.set()
        threads[0].join(timeout=10)
        tasks.put("STOP")
        threads[1].join(timeout=60)
        results.put("STOP")
        threads[2].join(timeout=10)


def run(threads: bool) -> int:
    if not threads:
        from django.core.management import call_command

        call_command("qcluster")
        return 0
    import signal

    from django_q.scheduler import scheduler

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with threaded_worker(), contextlib.suppress(KeyboardInterrupt):
        # The schedules (the job board's hourly digests and archiving) are turned into tasks
        # here, as django-q2's own cluster does in its sentinel.
        while not done.wait(SCHEDULER_SECONDS):
            scheduler()
    return 0


#: How often ``medcode worker --threads`` looks for schedules that are due.
SCHEDULER_SECONDS = 30
