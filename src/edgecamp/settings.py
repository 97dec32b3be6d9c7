"""Django settings. Everything that differs between a laptop and a deployment comes from the
environment (see edgecamp.config and the README)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from edgecamp import config

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = config.secret_key()
DEBUG = config.env_bool("EDGECAMP_DEBUG", default=False)
ALLOWED_HOSTS = config.env_list("EDGECAMP_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = config.env_list("EDGECAMP_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks_db",
    "edgecamp.partners",
    "edgecamp.jobs",
    "edgecamp.sites",
    "edgecamp.shelters",
    "edgecamp.registry",
    "edgecamp.stock",
    "edgecamp.verification",
    "edgecamp.exports",
    "edgecamp.distributions",
    "edgecamp.accounts",
    "edgecamp.audit",
    "edgecamp.protection",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # After sign-in is settled: the role policy (accounts/policy.py) for every page.
    "edgecamp.accounts.middleware.AccessPolicyMiddleware",
    "edgecamp.core.context.RequestContextMiddleware",
    # Bad characters refused, failure classes (a locked database...) answered clearly.
    "edgecamp.core.errors_http.RequestFailureMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "edgecamp.urls"


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


WSGI_APPLICATION = "edgecamp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "edgecamp.accounts.context_processors.access",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL")
    if url:
        db: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
        if db["ENGINE"] == "django.db.backends.sqlite3":
            db["OPTIONS"] = _SQLITE_OPTIONS
        return db
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": config.data_dir() / "edgecamp.sqlite3",
        "OPTIONS": _SQLITE_OPTIONS,
    }


# WAL lets readers work while a desk writes; IMMEDIATE transactions take the write lock at
# BEGIN so two desks never deadlock upgrading a read lock; foreign keys are on by default in
# Django's SQLite backend and stated here so nobody turns them off.
_SQLITE_OPTIONS = {
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        " PRAGMA busy_timeout=20000;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
# Sign-in with lockout: after EDGECAMP_LOGIN_MAX_FAILURES failures for a username (or
# ..._PER_ADDRESS from one address: camp desks often share one address behind NAT, so that
# limit is higher) signing in is locked for EDGECAMP_LOGIN_LOCK_MINUTES. An administrator
# unlocks in the admin (Sign-in locks → Unlock).
AUTHENTICATION_BACKENDS = ["edgecamp.accounts.backends.LockoutModelBackend"]
EDGECAMP_LOGIN_MAX_FAILURES = _env_int("EDGECAMP_LOGIN_MAX_FAILURES", 5)
EDGECAMP_LOGIN_MAX_FAILURES_PER_ADDRESS = _env_int("EDGECAMP_LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
EDGECAMP_LOGIN_LOCK_MINUTES = _env_int("EDGECAMP_LOGIN_LOCK_MINUTES", 15)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["edgecamp.formats"]
TIME_ZONE = os.environ.get("EDGECAMP_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The project package is not an app, so its own static folder is listed explicitly.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = config.data_dir() / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Household photos (registry.photos): personal data, in the data directory, served only
# through the household page's access check, never as static or media files.
EDGECAMP_PHOTO_DIR = config.data_dir() / "photos"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the package's static folders: no collectstatic step for a laptop install.
WHITENOISE_USE_FINDERS = True

# Shared laptops: sessions end when the browser closes and after EDGECAMP_IDLE_MINUTES without
# a request (saving the session on every request pushes the expiry forward: an idle timeout).
SESSION_COOKIE_AGE = _env_int("EDGECAMP_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = config.env_bool("EDGECAMP_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No inline script or style anywhere, the admin included (Django 6's admin runs under it).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# The audit log's entries about protection data (reads of it, protection-sensitive needs,
# notes, tracing requests, merges that moved such needs) are shown to the protection officers of
# their site only. Where the law of the operation requires administrators to see that such
# entries exist (when, by whom, what kind of record; never which record or what changed), set
# EDGECAMP_AUDIT_PROTECTION_ENTRIES_TO_ADMINISTRATORS=true.
EDGECAMP_AUDIT_PROTECTION_ENTRIES_TO_ADMINISTRATORS = config.env_bool(
    "EDGECAMP_AUDIT_PROTECTION_ENTRIES_TO_ADMINISTRATORS", default=False
)

# Household numbers: EDG-000123. The prefix identifies the operation when registries merge.
EDGECAMP_HOUSEHOLD_PREFIX = os.environ.get("EDGECAMP_HOUSEHOLD_PREFIX", "EDG")
# Dates typed with slashes (12/03/1988) are read day first, as most operations write them; set
# EDGECAMP_DATES_DAY_FIRST=false where month first is the custom.
EDGECAMP_DATES_DAY_FIRST = config.env_bool("EDGECAMP_DATES_DAY_FIRST", default=True)
# Population figures for partners: a count below this is shown as "<k" (small-cell suppression).
EDGECAMP_SMALL_CELL_K = int(os.environ.get("EDGECAMP_SMALL_CELL_K", "5"))
# The nationalities the registration form offers first (ISO 3166 alpha-3, in order), e.g.
# EDGECAMP_USUAL_NATIONALITIES=SDN,TCD,SSD.
EDGECAMP_USUAL_NATIONALITIES = [
    code.upper() for code in config.env_list("EDGECAMP_USUAL_NATIONALITIES", [])
]
# Covered living space per person a shelter should give (Sphere 2018: 3.5 m², 4.5 to 5.5 m² in
# cold climates or towns): the shelters page flags the shelters under it.
EDGECAMP_SPACE_STANDARD_M2 = Decimal(os.environ.get("EDGECAMP_SPACE_STANDARD_M2", "3.5"))

# Background jobs (edgecamp.jobs): Django's tasks framework, queued in the database and run by
# `edgecamp worker` (`make demo` starts one). A running job whose worker has not written its
# heartbeat for EDGECAMP_JOB_LEASE_SECONDS is marked failed (a worker killed mid-job); the
# worker beats every quarter of it. Result files are kept in the data directory and downloaded
# through the jobs page, which checks who asks.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EDGECAMP_JOB_LEASE_SECONDS = _env_int("EDGECAMP_JOB_LEASE_SECONDS", 120)
EDGECAMP_JOB_FILES_DIR = config.data_dir() / "job-files"
# A started cycle with more households on its list than this gets its ration cards from a
# background job (progress on the jobs page, then a download); smaller ones answer at once.
EDGECAMP_CARDS_JOB_ABOVE = _env_int("EDGECAMP_CARDS_JOB_ABOVE", 500)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_paths": {"()": "edgecamp.core.logfilters.RedactRequestPath"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "edgecamp": {"level": "INFO", "propagate": True},
        # Filtering at the logger rewrites the record before any handler (ours, Django's
        # mail_admins, a deployment's file handler) sees it.
        "django.request": {"filters": ["redact_paths"]},
        "django.server": {"filters": ["redact_paths"]},
    },
}
