"""Production settings, security headers, Swagger UI from our own origin, the secret key."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from medcode.web.secretkey import DEV_PLACEHOLDER, ensure_secret_key, read_secret_key

REPO = Path(__file__).resolve().parents[3]
TEMPLATES = sorted((REPO / "medcode").rglob("templates/**/*.html"))


def _check_deploy(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env={**environment, "DJANGO_SETTINGS_MODULE": "medcode.settings", **env},
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_mode(tmp_path: Path) -> None:
    result = _check_deploy(
        MEDCODE_ENV="production", SECRET_KEY=secrets.token_urlsafe(50), MEDCODE_HOME=str(tmp_path)
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_in_production_mode_catches_the_placeholder_key(tmp_path: Path) -> None:
    result = _check_deploy(MEDCODE_ENV="production", MEDCODE_HOME=str(tmp_path))

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/search", "/claims/check", "/api/v1/docs"])
def test_pages_forbid_framing_inline_script_and_other_origins(url: str) -> None:
    response = Client().get(url)

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["frame-ancestors"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_swagger_ui_loads_from_our_static_files() -> None:
    html = Client().get("/api/v1/docs").content.decode()

    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    assert "/static/ninja/swagger-ui.css" in assets
    assert not [a for a in assets if "//" in a], assets  # nothing from another host
    for asset in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        response = Client().get(f"/static/ninja/{asset}")
        assert response.status_code == 200, asset


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(REPO)))
def test_templates_need_no_inline_script_or_style(template: Path) -> None:
    html = template.read_text()

    # JSON-LD (guides' schema.org markup) is data no browser executes; CSP does not apply to it.
    assert not re.search(
        r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/ld\+json\")[^>]*>", html
    ), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert not re.search(r"\sstyle\s*=|<style", html), "inline style"
    assert "javascript:" not in html


def test_templates_were_found() -> None:
    assert len(TEMPLATES) >= 5


def test_a_key_is_created_once_readable_by_its_owner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert read_secret_key(tmp_path) == DEV_PLACEHOLDER

    key, message = ensure_secret_key(tmp_path)

    path = tmp_path / "secret_key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert message is not None and str(path) in message
    assert len(key) >= 50 and read_secret_key(tmp_path) == key
    assert ensure_secret_key(tmp_path) == (key, None)  # the second start keeps it, quietly


def test_a_weak_key_from_the_environment_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_KEY", "changeme")

    with pytest.raises(ValueError, match="SECRET_KEY is not fit to serve with"):
        ensure_secret_key(tmp_path)
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.django_db
def test_the_openapi_schema_has_no_duplicated_key() -> None:
    """Swagger UI refuses a schema with a key twice (a claims response listed 200 and "200")."""
    import json

    duplicated: list[str] = []

    def pairs(items: list[tuple[str, object]]) -> dict[str, object]:
        keys = [k for k, _ in items]
        duplicated.extend(k for k in set(keys) if keys.count(k) > 1)
        return dict(items)

    schema = json.loads(Client().get("/api/v1/openapi.json").content, object_pairs_hook=pairs)

    assert "/api/v1/claims/check" in schema["paths"]
    assert duplicated == []
