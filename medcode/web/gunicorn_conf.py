"""gunicorn's settings for ``medcode serve`` (``-c python:medcode.web.gunicorn_conf``).

Read by the gunicorn process itself, so they hold whatever gunicorn version is installed:
settings it does not know are ignored.
"""

import os

from medcode.web.logconfig import logging_config

worker_class = "gthread"
# A worker whose main loop stops answering is replaced; nginx retries the requests it held.
timeout = 60
graceful_timeout = 20
keepalive = 30
# medcode writes its own access log (medcode.web.requestlog), without query strings that hold
# what a user typed; gunicorn's would repeat them.
accesslog = None
errorlog = "-"
loglevel = "info"
logconfig_dict = {
    **logging_config(os.environ.get("MEDCODE_LOG_FORMAT", "text")),
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}
# gunicorn >= 25.1 opens a control socket at one fixed path per user, which two servers (or a
# server and the tests) would fight over; medcode does not use it.
control_socket_disable = True
