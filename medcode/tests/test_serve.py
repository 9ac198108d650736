"""``medcode serve`` runs the app under gunicorn: a real server process answering on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_medcode_serve_answers_pages_and_the_api_under_gunicorn(tmp_path: Path) -> None:
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path}/serve.sqlite3")
    server = subprocess.Popen(
        [sys.executable, "-m", "medcode.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        home = _get_when_up(f"http://127.0.0.1:{port}/", server)
        releases = _get_when_up(f"http://127.0.0.1:{port}/api/v1/releases", server)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "No releases are loaded yet" in home
    assert releases == '{"releases": []}'
    assert "gunicorn" in output.lower()  # not Django's development server


def _get_when_up(url: str, server: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode())
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.2)
