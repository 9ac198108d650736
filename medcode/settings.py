"""One settings file. SQLite by default; PostgreSQL when DATABASE_URL says so."""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent

# Where medcode keeps its database and download cache unless told otherwise.
MEDCODE_HOME = Path(os.environ.get("MEDCODE_HOME", "var")).resolve()
MEDCODE_CACHE = Path(os.environ.get("MEDCODE_CACHE", str(MEDCODE_HOME / "cache")))

SECRET_KEY = os.environ.get("SECRET_KEY", "medcode-dev-only-not-secret")
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
                "timeout": 30,
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
    # assistant: its Conversation has a nullable user FK (accounts add the middleware).
    "django.contrib.auth",
    "django.contrib.staticfiles",
    "medcode.releases",
    "medcode.codes",
    "medcode.icd10",
    "medcode.fees",
    "medcode.edits",
    "medcode.coverage",
    "medcode.claims",
    "medcode.search",
    "medcode.assistant",
]

MIDDLEWARE = [
    # Outermost, so its Server-Timing header covers the rest of the request (bench/api.py).
    "medcode.timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves medcode's own CSS/JS from the package, so a self-hosted install needs no web server
    # in front and no collectstatic step.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The claim form posts with Django's CSRF cookie (no sessions needed); the JSON API is
    # exempt, as django-ninja is for endpoints without cookie-based auth.
    "django.middleware.csrf.CsrfViewMiddleware",
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
