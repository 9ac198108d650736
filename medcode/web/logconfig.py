"""Django's LOGGING for medcode (imported by settings, so it imports nothing of Django)."""

from __future__ import annotations

from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(fmt: str) -> dict[str, Any]:
    """Django's LOGGING: everything at INFO and up to stderr, as text or JSON lines.

    Replaces Django's default handlers, which with DEBUG off send tracebacks only to
    ``mail_admins`` (no mail is configured, so they were lost).
    """
    json_lines = fmt == "json"
    formatter: dict[str, Any] = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
        if json_lines
        else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "medcode.web.requestlog.RequestIdFilter"}},
        "formatters": {"medcode": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "filters": ["request_id"],
                "formatter": "medcode",
            }
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
        "loggers": {
            # django.request logs every 5xx with its traceback (and 4xx as warnings);
            # django.server is runserver's own access log.
            "django": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "django.server": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "medcode": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
    }
