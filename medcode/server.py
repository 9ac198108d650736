"""``medcode serve``: the web app and API under gunicorn, a server fit to leave running.

Django's runserver says it is not for production; a self-hosted medcode is production, so the
default is gunicorn (threads per worker keep a slow page from holding up type-ahead requests).
"""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from medcode.wsgi import application

        return application


def serve(host: str, port: int, *, workers: int = 2, threads: int = 4) -> None:
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": "-",
        }
    ).run()
