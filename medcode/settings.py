"""One settings file. SQLite by default; PostgreSQL when DATABASE_URL says so."""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from medcode.web.logconfig import logging_config
from medcode.web.secretkey import read_secret_key

BASE_DIR = Path(__file__).resolve().parent

# Where medcode keeps its database and download cache unless told otherwise.
MEDCODE_HOME = Path(os.environ.get("MEDCODE_HOME", "var")).resolve()
MEDCODE_CACHE = Path(os.environ.get("MEDCODE_CACHE", str(MEDCODE_HOME / "cache")))

# SECRET_KEY from the environment, else the key `medcode serve` created once in MEDCODE_HOME
# (medcode/web/secretkey.py), else a development placeholder that `serve` refuses to run on.
SECRET_KEY = read_secret_key(MEDCODE_HOME)
DEBUG = os.environ.get("DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")


def database_from_url(url: str) -> dict[str, object]:
    """DATABASE_URL (sqlite:///path, postgres://user:pw@host:port/name) in Django's form."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        # sqlite:///relative.db has path "/relative.db"; sqlite:////abs.db has "//abs.db".
        name = path[1:] if path.startswith("/") else path
        if not name:
            MEDCODE_HOME.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name or str(MEDCODE_HOME / "medcode.sqlite3"),
            "OPTIONS": {
                # WAL lets readers go on while a release loads; a killed load leaves the
                # last committed state, never a half-written one.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                " PRAGMA cache_size=-200000; PRAGMA temp_store=MEMORY;",
                "transaction_mode": "IMMEDIATE",
                # How long to wait for another process's lock (MEDCODE_DB_TIMEOUT seconds).
                "timeout": float(os.environ.get("MEDCODE_DB_TIMEOUT", "30")),
            },
        }
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
        }
    raise ValueError(f"DATABASE_URL: unsupported scheme {parts.scheme!r} (use sqlite or postgres)")


DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", "sqlite://"))}
# A worker keeps its connection between requests: reopening costs more than a claim check
# (SQLite re-reads the schema and starts with a cold page cache; PostgreSQL forks a backend).
# No health check query per request: a connection that broke is dropped after its error.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "300"))
if os.environ.get("MEDCODE_TEST_DB"):
    # A file for the SQLite test database, so that ``pytest --reuse-db`` keeps the real-data
    # load between runs during development (the load then finds every file "unchanged").
    DATABASES["default"]["TEST"] = {"NAME": os.environ["MEDCODE_TEST_DB"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "medcode.releases",
    "medcode.codes",
    "medcode.icd10",
    "medcode.fees",
    "medcode.edits",
    "medcode.coverage",
    "medcode.claims",
    "medcode.search",
    # Guides (issue 13): Markdown guides with live facts; stores only review fingerprints.
    "medcode.guides",
    # Swagger UI for /api/v1/docs from django-ninja's own static files, not a CDN (issue 8).
    "ninja",
]

MIDDLEWARE = [
    # Request id, access log (issue 8): outermost, so every response carries the id.
    "medcode.web.requestlog.RequestLogMiddleware",
    # Outermost, so its Server-Timing header covers the rest of the request (bench/api.py).
    "medcode.timing.ServerTimingMiddleware",
    # Refuses a body declared too big before anything (CSRF included) reads it.
    "medcode.web.uploads.BodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves medcode's own CSS/JS from the package, so a self-hosted install needs no web server
    # in front and no collectstatic step.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The claim form posts with Django's CSRF cookie (no sessions needed); the JSON API is
    # exempt, as django-ninja is for endpoints without cookie-based auth.
    "django.middleware.csrf.CsrfViewMiddleware",
    # Security headers (issue 8): X-Frame-Options and Content-Security-Policy.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]
# Request bodies read into memory (API claim batches, form fields) up to 20 MB, the claim
# checker's upload limit; Django's default of 2.5 MB would refuse a batch of a few thousand claims.
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

ROOT_URLCONF = "medcode.urls"
WSGI_APPLICATION = "medcode.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"

# The longest a code look-up or code page may read the store before it is stopped with a 503
# (medcode/releases/budget.py): a look-up takes milliseconds, so only a bug gets near this.
MEDCODE_LOOKUP_SECONDS = float(os.environ.get("MEDCODE_LOOKUP_SECONDS", "5"))

# --- Claim checker limits (docs/claims.md, "Limits") ---
# Lines per claim: 837P allows 50 service lines per claim. Claims per API request or web
# upload (the CLI reads any number, 200 at a time). Findings shown per claim: past it, findings
# of one rule on one CMS row are grouped with a count.
MEDCODE_CLAIM_MAX_LINES = int(os.environ.get("MEDCODE_CLAIM_MAX_LINES", "50"))
MEDCODE_CLAIMS_PER_REQUEST = int(os.environ.get("MEDCODE_CLAIMS_PER_REQUEST", "10000"))
MEDCODE_CLAIM_MAX_FINDINGS = int(os.environ.get("MEDCODE_CLAIM_MAX_FINDINGS", "100"))

# --- Serving: logs, uploads, security headers, production mode (issue 8; docs/deploy.md) ---
# Errors with tracebacks and request ids to stderr; MEDCODE_LOG_FORMAT=json for JSON lines.
LOGGING = logging_config(os.environ.get("MEDCODE_LOG_FORMAT", "text"))

# Uploaded claim files stay in memory up to the limit and are never spooled to disk; reading
# stops at the limit (medcode/web/uploads.py). A body declared bigger than the limit plus room
# for the form's other fields is refused before it is read, by nginx and by Django alike.
FILE_UPLOAD_HANDLERS = ["medcode.web.uploads.MemoryUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
MEDCODE_MAX_REQUEST_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024

# No page of ours needs inline script or style, or anything from another origin; no one may
# frame them. Swagger UI (/api/v1/docs) runs from django-ninja's static files under this too.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Swagger UI draws its icons as data: URIs.
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# MEDCODE_ENV=production: served to other people over HTTPS, TLS ending at a proxy in front
# (which sets X-Forwarded-Proto). `python -m django check --deploy` is clean in this mode.
MEDCODE_ENV = os.environ.get("MEDCODE_ENV", "local")
if MEDCODE_ENV == "production":
    DEBUG = False
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Asking browsers to preload HSTS binds the whole domain and its subdomains for good: the
    # owner of the domain decides that, not a self-hosted app (docs/deploy.md).
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
elif MEDCODE_ENV != "local":
    raise ValueError(f"MEDCODE_ENV: expected local or production, got {MEDCODE_ENV!r}")
