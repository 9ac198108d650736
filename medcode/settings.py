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
    # Guides (issue 13): Markdown guides with live facts; stores only review fingerprints.
    "medcode.guides",
    # Swagger UI for /api/v1/docs from django-ninja's own static files, not a CDN (issue 8).
    "ninja",
    "medcode.assistant",
]

MIDDLEWARE = [
    # Request id, access log (issue 8): outermost, so every response carries the id.
    "medcode.web.requestlog.RequestLogMiddleware",
    # The client's address from our own nginx (medcode serve), for metering and rate limits.
    "medcode.web.proxy.ClientAddressMiddleware",
    # A NUL in a query string is a 400 for every view (PostgreSQL cannot hold one in text).
    "medcode.web.inputs.NulQueryMiddleware",
    # Next outermost, so its Server-Timing header covers the rest of the request (bench/api.py).
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
# --- accounts, plans and metered access (issue 10; medcode/accounts) ------------------------
# Django's own User (email as the identity through django-allauth); roles are auth Groups
# (medcode.accounts.roles). Kept in one block so other settings edits merge cleanly.
import dj_email_url  # noqa: E402

for _app in [
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "medcode.accounts",  # before allauth, so our templates override its layout
    "allauth",
    "allauth.account",
]:
    if _app not in INSTALLED_APPS:
        INSTALLED_APPS.append(_app)
for _before, _middleware in [
    (
        "django.middleware.common.CommonMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
    ),
]:
    if _middleware not in MIDDLEWARE:
        MIDDLEWARE.insert(MIDDLEWARE.index(_before), _middleware)
for _middleware in [
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # API keys (Authorization: Bearer), daily quotas, and MEDCODE_ACCESS=members.
    "medcode.accounts.middleware.AccessMiddleware",
]:
    if _middleware not in MIDDLEWARE:
        MIDDLEWARE.append(_middleware)
for _processor in [
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "medcode.accounts.context.access",
]:
    if _processor not in TEMPLATES[0]["OPTIONS"]["context_processors"]:  # type: ignore[index]
        TEMPLATES[0]["OPTIONS"]["context_processors"].append(_processor)  # type: ignore[index]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# metered (guests 1 code page, free accounts 1 + 5, members all), members (log in for
# everything) or open (no accounts needed: a clinic's internal copy).
MEDCODE_ACCESS = os.environ.get("MEDCODE_ACCESS", "metered")
if MEDCODE_ACCESS not in ("metered", "members", "open"):
    raise ValueError(f"MEDCODE_ACCESS: expected metered, members or open, got {MEDCODE_ACCESS!r}")
# New guest identities one client address may create per day (cleared cookies); accounts
# that log in are never held to it, so an office behind one address keeps working.
MEDCODE_GUESTS_PER_ADDRESS = int(os.environ.get("MEDCODE_GUESTS_PER_ADDRESS", "10"))
# Django admin for staff, at a path of the operator's choosing.
MEDCODE_ADMIN_PATH = os.environ.get("MEDCODE_ADMIN_PATH", "admin/").strip("/") + "/"
# How many proxies in front append to X-Forwarded-For; 0 trusts no forwarded address.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("MEDCODE_TRUSTED_PROXY_COUNT", "0"))

# Mail: one EMAIL_URL (smtp://user:password@host:587/?tls=True); without it mail is written
# to the server's log, so a newcomer can still follow a verification link.
if os.environ.get("EMAIL_URL"):
    vars().update(dj_email_url.parse(os.environ["EMAIL_URL"]))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("MEDCODE_MAIL_FROM", "medcode <medcode@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[medcode] "
# Per address loose enough for an office behind one address, per account (key) strict.
ACCOUNT_RATE_LIMITS = {
    "login": os.environ.get("MEDCODE_LOGIN_RATE", "120/m/ip"),
    "login_failed": "20/m/ip,5/300s/key",
    "signup": "10/m/ip",
    "reset_password": "10/m/ip,3/m/key",
}
LOGIN_REDIRECT_URL = "/accounts/profile/"
LOGIN_URL = "/accounts/login/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Cookies are HttpOnly always and Secure in production mode (MEDCODE_ENV=production, above):
# one switch for "served over HTTPS".
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- careers: the job board (issue 15; medcode/careers, docs/jobs.md) -----------------------
INSTALLED_APPS.append("medcode.careers")
# Résumés are kept in MEDCODE_HOME/careers/resumes (never served as files); the largest accepted.
MEDCODE_RESUME_MAX_BYTES = int(os.environ.get("MEDCODE_RESUME_MAX_BYTES", str(5 * 1024 * 1024)))
# Links in alert mails and feeds point here.
MEDCODE_SITE_URL = os.environ.get("MEDCODE_SITE_URL", "http://127.0.0.1:8000")
# --- consultations (issue 14; medcode/consult, docs/consult.md) -----------------------------
# The desk's mail address, inbound SMTP limits, and the task queue (django-q2 on the ORM
# broker: the queue is a table in this database, so no extra server; `medcode worker`).
for _app in ["django_q", "medcode.consult"]:
    if _app not in INSTALLED_APPS:
        INSTALLED_APPS.append(_app)
MEDCODE_CONSULT_ADDRESS = os.environ.get("MEDCODE_CONSULT_ADDRESS", "consult@localhost")
MEDCODE_CONSULT_IMAP_URL = os.environ.get("MEDCODE_CONSULT_IMAP_URL", "")
MEDCODE_CONSULT_MAX_MAIL_BYTES = int(os.environ.get("MEDCODE_CONSULT_MAX_MAIL_BYTES", "10485760"))
MEDCODE_CONSULT_MAX_ATTACHMENT_BYTES = int(
    os.environ.get("MEDCODE_CONSULT_MAX_ATTACHMENT_BYTES", "5242880")
)
MEDCODE_CONSULT_PER_HOUR = int(os.environ.get("MEDCODE_CONSULT_PER_HOUR", "10"))
Q_CLUSTER = {
    "name": "medcode",
    "orm": "default",
    "workers": int(os.environ.get("MEDCODE_WORKERS", "1")),
    "timeout": 120,
    "retry": 180,
    "max_attempts": 2,
    "poll": 0.5,
    "catch_up": False,
    "ack_failures": True,
}
