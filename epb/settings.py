"""epb settings: one file, driven by environment variables, with defaults that run on a fresh checkout.

Every variable is listed with its default in ``.env.example``. With nothing set, epb runs on SQLite
under ``var/`` with DEBUG on, which is what ``make demo`` needs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from epb.lib.env import (
    SettingError,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("EPB_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

TESTING = "pytest" in sys.modules or env_bool("EPB_TESTING", False)

DEBUG = env_bool("DEBUG", True)
_PLACEHOLDER_KEY = "epb-insecure-development-key-change-me"
SECRET_KEY = env_str("SECRET_KEY", _PLACEHOLDER_KEY)
if not DEBUG and SECRET_KEY == _PLACEHOLDER_KEY:
    raise SettingError("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
SITE_NAME = env_str("SITE_NAME", "常州市环境保护局")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves its Swagger UI from local static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    # epb apps, in the order they may import each other (downwards only).
    "epb.core",
    "epb.enterprises",
]
# Domain apps register themselves here as they are built; the order is the import order.
EPB_DOMAIN_APPS = [
    "epb.monitoring",
    "epb.quality",
    "epb.enforcement",
    "epb.complaints",
]
INSTALLED_APPS += [app for app in EPB_DOMAIN_APPS if (BASE_DIR / app.replace(".", "/") / "apps.py").exists()]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "epb.core.middleware.AuditRequestMiddleware",
    "epb.core.middleware.MethodNotAllowedPageMiddleware",
    "epb.core.once.SubmitOnceMiddleware",
]

ROOT_URLCONF = "epb.urls"
WSGI_APPLICATION = "epb.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "epb" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "epb.core.context.shell",
            ],
            "builtins": ["epb.core.templatetags.epb_forms"],
        },
    }
]

# --- database -----------------------------------------------------------------------------
# SQLite (WAL, immediate transactions, busy timeout) unless DATABASE_URL names another.
_db_url = env_str("DATABASE_URL", "")
if _db_url:
    _db = parse_database_url(_db_url)
    DATABASES: dict[str, dict[str, Any]] = {
        "default": {
            "ENGINE": _db.engine,
            "NAME": _db.name,
            "USER": _db.user,
            "PASSWORD": _db.password,
            "HOST": _db.host,
            "PORT": _db.port,
            # In tests a request (the live server's thread) must not keep a session open past itself.
            "CONN_MAX_AGE": 0 if TESTING else env_int("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": dict(_db.options),
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "epb.sqlite3",
        }
    }
if str(DATABASES["default"]["ENGINE"]).endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = (
        {"NAME": str(VAR_DIR / "test.sqlite3")} if env_bool("EPB_TEST_FILE_DB") else {}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

# --- auth ---------------------------------------------------------------------------------
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Repeated failed logins from one address or for one account lock that pair out for a while.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
EPB_TRUST_X_REAL_IP = env_bool("EPB_TRUST_X_REAL_IP", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)

# --- i18n: Chinese first, English available ------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "epb" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and uploaded files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "epb" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
EPB_MAX_UPLOAD_BYTES = env_int("EPB_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- cache (login throttling, rate limits) ------------------------------------------------
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "epb_cache",
    }
}
if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- background tasks ---------------------------------------------------------------------
# The database backend needs no broker; tests run tasks inline.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING or env_bool("EPB_TASKS_INLINE", False)
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# --- e-mail and notifications -------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.locmem.EmailBackend"
    if TESTING
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "epb@localhost")
# SMS and WeChat gateways are pluggable; the default back ends only log what they would send.
EPB_SMS_BACKEND = env_str("EPB_SMS_BACKEND", "epb.core.notify_backends.LoggingSmsBackend")
EPB_WECHAT_BACKEND = env_str("EPB_WECHAT_BACKEND", "epb.core.notify_backends.LoggingWeChatBackend")

# --- monitoring gateway (HJ 212) ----------------------------------------------------------
HJ212_HOST = env_str("HJ212_HOST", "127.0.0.1")
HJ212_PORT = env_int("HJ212_PORT", 9212)
HJ212_IDLE_TIMEOUT = env_int("HJ212_IDLE_TIMEOUT", 600)
HJ212_MAX_CONN_PER_IP = env_int("HJ212_MAX_CONN_PER_IP", 256)
HJ212_BATCH_MS = env_float("HJ212_BATCH_MS", 50.0)
HJ212_RAW_RETENTION_DAYS = env_int("HJ212_RAW_RETENTION_DAYS", 3 * 365)
HJ212_SINK = env_str("HJ212_SINK", "embedded")  # embedded | nats
NATS_URL = env_str("NATS_URL", "nats://127.0.0.1:4222")
HJ212_NATS_STREAM = env_str("HJ212_NATS_STREAM", "EPB_HJ212")
HJ212_NATS_SUBJECT = env_str("HJ212_NATS_SUBJECT", "epb.hj212.batches")
# Answers to vendor codes outside the standard, "9021:9022,1000:9013"; none by default
# (which answer such firmware expects is the vendor's, not the standard's).
HJ212_VENDOR_REPLIES = env_str("HJ212_VENDOR_REPLIES", "")
HJ212_STATUS_SECONDS = env_float("HJ212_STATUS_SECONDS", 5.0)  # device status written at most this often
HJ212_SQLITE_SYNCHRONOUS = env_str("HJ212_SQLITE_SYNCHRONOUS", "FULL")  # an ack survives a power cut
HJ212_COMMAND_ANSWER_SECONDS = env_float("HJ212_COMMAND_ANSWER_SECONDS", 10.0)
HJ212_COMMAND_ATTEMPTS = env_int("HJ212_COMMAND_ATTEMPTS", 3)
HJ212_COMMAND_EXECUTE_SECONDS = env_float("HJ212_COMMAND_EXECUTE_SECONDS", 60.0)
HJ212_COMMAND_HISTORY_SECONDS = env_float("HJ212_COMMAND_HISTORY_SECONDS", 600.0)
HJ212_COMMAND_PENDING_SECONDS = env_float("HJ212_COMMAND_PENDING_SECONDS", 3600.0)

# --- maps ---------------------------------------------------------------------------------
# Empty means no base tiles: the maps still draw grid polygons and points.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")
MAP_CENTER = (31.81, 119.97)  # Changzhou, WGS-84

# --- logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING" if TESTING else "INFO")},
}

if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    SECURE_REFERRER_POLICY = "same-origin"

# --- module settings ----------------------------------------------------------------------
# Every module setting (COMPLAINTS_*, EPB_ENFORCEMENT_*, EPB_QUALITY_*, …) has its default in its
# module and is listed in docs/configuration.md. Structured ones (clock overrides, scoring weights)
# are set in an optional local settings file, read last so it can override anything above.
_local_settings = Path(env_str("EPB_LOCAL_SETTINGS", str(BASE_DIR / "local_settings.py")))
if _local_settings.is_file() and not TESTING:
    exec(compile(_local_settings.read_text(encoding="utf-8"), str(_local_settings), "exec"))
