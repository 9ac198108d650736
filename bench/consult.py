"""How long a mailed question waits for its acknowledgment and for the assistant's draft
(issue 14 targets: acknowledgment within a minute, draft in under a minute).

    cp var/medcode.sqlite3 /tmp/bench-consult.sqlite3   # the bench writes consultations
    DATABASE_URL=sqlite:////tmp/bench-consult.sqlite3 python bench/consult.py [QUESTIONS]

Real parts: questions go by SMTP to the desk's server (aiosmtpd, as `medcode consult smtpd`),
acknowledgments come back through Django's SMTP backend to a second aiosmtpd (the asker's
mailbox), and django-q2's worker (one worker, on threads, as `medcode worker --threads`) drafts.
Questions are sent one after another without waiting, so the later ones queue behind the
earlier ones' drafts. Prints median, p95 and max seconds from sending to the acknowledgment and
to the draft.
"""

from __future__ import annotations

import os
import smtplib
import statistics
import sys
import time
from email.message import EmailMessage

QUESTIONS = [
    "How many units of 97110 for 38 minutes on 2026-01-15?",
    "Can I bill G0283 with 97032 on 2026-01-15?",
    "What does Medicare pay for 99213 in Manhattan on 2026-01-15?",
    "Is E11.65 valid on 2025-10-01?",
    "Is 97014 payable by Medicare on 2026-01-15?",
]


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    os.environ.setdefault("MEDCODE_CONSULT_PER_HOUR", str(count + 10))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from medcode.accounts.operators import create_user
    from medcode.accounts.tests.smtp import _free_port, smtp_server, use_email_url
    from medcode.consult.models import Consultation, DeskPlan
    from medcode.consult.smtpd import running
    from medcode.worker import threaded_worker

    asker = f"bench-{int(time.time())}@example.org"
    if not get_user_model().objects.filter(email=asker).exists():
        create_user(asker, password=None, plan="member")
    DeskPlan.objects.filter(plan__name="member").update(per_month=None)
    port = _free_port()
    settings.MEDCODE_CONSULT_ADDRESS = "desk@bench.test"
    with smtp_server() as (mailbox, url), running("127.0.0.1", port), threaded_worker():
        use_email_url(settings, url)
        sent: dict[str, float] = {}
        for n in range(count):
            message = EmailMessage()
            message["From"], message["To"] = asker, "desk@bench.test"
            message["Subject"] = f"bench question {n}"
            message["Message-ID"] = f"<bench-{n}-{time.time()}@example.org>"
            message.set_content(QUESTIONS[n % len(QUESTIONS)])
            with smtplib.SMTP("127.0.0.1", port) as smtp:
                smtp.send_message(message)
            sent[str(message["Message-ID"])] = time.monotonic()
        acked: dict[str, float] = {}
        drafted: dict[str, float] = {}
        deadline = time.monotonic() + 600
        while (len(acked) < count or len(drafted) < count) and time.monotonic() < deadline:
            for m in mailbox.messages:
                key = str(m["In-Reply-To"])
                if key in sent and key not in acked:
                    acked[key] = time.monotonic() - sent[key]
            for root, done in Consultation.objects.filter(
                root_message_id__in=list(sent), drafted__isnull=False
            ).values_list("root_message_id", "drafted"):
                if root not in drafted and done is not None:
                    drafted[root] = time.monotonic() - sent[root]
            time.sleep(0.05)
    for label, values in (("acknowledgment", acked), ("draft", drafted)):
        seconds = sorted(values.values())
        if len(seconds) < count:
            print(f"{label}: only {len(seconds)} of {count} within 600 s")
            continue
        p95 = seconds[max(0, round(0.95 * len(seconds)) - 1)]
        print(
            f"{label:15} n={count}  median {statistics.median(seconds):.2f} s  "
            f"p95 {p95:.2f} s  max {seconds[-1]:.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
