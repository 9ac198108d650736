"""The nginx in front of gunicorn that ``medcode serve`` runs (docs/deploy.md).

nginx reads each request whole — headers and body — before gunicorn sees it, so a client that
trickles its headers or body holds an nginx connection (cheap, closed after 10 s of silence)
instead of one of gunicorn's few threads. Bodies and responses stay in nginx's memory: its
buffers are sized so that nothing is written to its temporary folders.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
from pathlib import Path

NGINX_PATHS = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")

_TEXT_LOG = "'$time_iso8601 INFO nginx [$request_id] $request_method $uri $status'"
_JSON_LOG = (
    'escape=json \'{"time":"$time_iso8601","level":"INFO","logger":"nginx",'
    '"request_id":"$request_id","message":"$request_method $uri $status"}\''
)


def find_nginx() -> str | None:
    """nginx's executable: on PATH, or where Debian and source builds put it (/usr/sbin is
    often not on an ordinary user's PATH)."""
    found = shutil.which("nginx")
    if found:
        return found
    return next((p for p in NGINX_PATHS if Path(p).is_file()), None)


def _access_log() -> str:
    """Where nginx writes its access lines: our stderr, or syslog when stderr is a socket.

    nginx can only open stderr by path, which fails on a socket (systemd's journal); the
    journal also listens on /dev/log.
    """
    try:
        is_socket = stat.S_ISSOCK(os.fstat(2).st_mode)
    except OSError:
        is_socket = False
    only_its_own = "medcode if=$medcode_nginx_answered;"
    if not is_socket:
        return f"access_log /dev/stderr {only_its_own}"
    if Path("/dev/log").exists():
        return f"access_log syslog:server=unix:/dev/log,tag=medcode_nginx {only_its_own}"
    return "access_log off;"


def nginx_conf(
    *, listen: str, socket: Path, run: Path, max_body_bytes: int, json_logs: bool = False
) -> str:
    """The whole nginx.conf: listen on ``listen``, pass requests to gunicorn at ``socket``."""
    body = f"{max_body_bytes // 1024 + 1024}k"  # a little above Django's own refusal
    temp = "\n".join(
        f"    {kind}_temp_path {run / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    upstream = f"unix:{socket} max_fails=0"
    # Started by root, nginx would run its worker as "nobody", which cannot reach the socket in
    # the server's private folder: the worker keeps the user medcode runs as (docs/deploy.md
    # says to run medcode as an ordinary user).
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    return f"""# Written by `medcode serve`; rewritten at each start.
{user}worker_processes 1;
worker_rlimit_nofile 16384;
pid {run / "nginx.pid"};
error_log stderr error;
events {{ worker_connections 8192; }}

http {{
{temp}
    server_tokens off;
    default_type application/octet-stream;
    log_format medcode {_JSON_LOG if json_logs else _TEXT_LOG};
    # medcode logs every request it answers; nginx logs only those it answered itself
    # (413, 502, 504...), by path without query string.
    map $upstream_status $medcode_nginx_answered {{ "" 1; default 0; }}
    {_access_log()}
    map $http_x_forwarded_proto $medcode_proto {{ default $http_x_forwarded_proto; "" $scheme; }}

    # Slow clients: a connection silent this long between reads is closed.
    client_header_timeout 10s;
    client_body_timeout 10s;
    send_timeout 30s;
    keepalive_timeout 30s;
    # Bodies up to the limit stay in memory (never client_body_temp); bigger ones are refused
    # from their Content-Length before they are read.
    client_max_body_size {body};
    client_body_buffer_size {body};
    # Responses past the buffers are passed on as the client reads them, never written to disk.
    proxy_buffer_size 16k;
    proxy_buffers 32 32k;
    proxy_max_temp_file_size 0;

    proxy_http_version 1.1;
    proxy_set_header Connection "close";
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-Proto $medcode_proto;
    proxy_set_header X-Request-ID $request_id;
    proxy_read_timeout 60s;
    # A request whose worker died (killed, or replaced after a timeout) is tried again on
    # another; the socket is listed twice so that nginx has "another server" to try.
    proxy_next_upstream error timeout;
    proxy_next_upstream_tries 5;

    upstream medcode {{
        # No kept-alive connections to gunicorn: those to a worker that died would be tried
        # first, and a retry could land on another dead one. A Unix socket connects in
        # microseconds.
        server {upstream};
        server {upstream};
    }}

    server {{
        listen {listen} backlog=4096;
        error_page 413 @too_large;
        location / {{ proxy_pass http://medcode; }}
        # A claim check changes nothing, so it is safe to send again after a worker died.
        location ~ ^/(api/v1/)?claims/check$ {{
            proxy_next_upstream error timeout non_idempotent;
            proxy_pass http://medcode;
        }}
        location @too_large {{
            default_type text/plain;
            return 413 "medcode: the request body is larger than {body}B; split the batch\\n";
        }}
    }}
}}
"""
