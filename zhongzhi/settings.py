"""One settings module, read from environment variables with safe embedded defaults.

Every variable is listed with a comment in `.env.example`. Without any of them,
zhongzhi runs on a SQLite file in `./data/` with DEBUG off.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env_str(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(env_str(name, str(default)))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DATA_DIR = Path(env_str("ZHONGZHI_DATA_DIR", str(BASE_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, a `_FILE`, or one generated once and kept in DATA_DIR."""
    if key := env_str("SECRET_KEY"):
        return key
    if key_file := env_str("SECRET_KEY_FILE"):
        return Path(key_file).read_text().strip()
    kept = DATA_DIR / "secret_key"
    if not kept.exists():
        kept.write_text(secrets.token_urlsafe(50))
        kept.chmod(0o600)
    return kept.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_tasks_db",
    "zhongzhi.core",
    "zhongzhi.org",
    "zhongzhi.campaigns",
    "zhongzhi.audit",
    "zhongzhi.intake",
    "zhongzhi.analysis",
    "zhongzhi.screening",
    "zhongzhi.selection",
    "zhongzhi.rectification",
    "zhongzhi.supervision",
    "zhongzhi.research",
    "zhongzhi.essays",
    "zhongzhi.activities",
    "zhongzhi.notifications",
    "zhongzhi.reports",
    "zhongzhi.opendata",
    "zhongzhi.api",
]

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
    "zhongzhi.core.middleware.PasswordChangeRequiredMiddleware",
    # Last, so that it sees failed logins from every authentication path.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhongzhi.urls"
WSGI_APPLICATION = "zhongzhi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhongzhi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "zhongzhi.core.context_processors.navigation",
                "zhongzhi.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'zhongzhi.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; IMMEDIATE avoids "database is
    # locked" on upgrade from read to write; the timeout rides out short write bursts.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -----------------------------------------------------------
AUTH_USER_MODEL = "org.User"
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
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: after AXES_FAILURE_LIMIT failures from one user name and address,
# further attempts are refused for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "zhongzhi" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"

# Uploads: an xlsx of a few thousand rows is well under this; larger is refused early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ZHONGZHI_MAX_UPLOAD_BYTES = env_int("ZHONGZHI_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# Evidence of progress updates (photos, PDF, Office): per file, per update, and the
# largest photo decoded (pixels; a 50-megapixel phone photo fits). The files live in
# the default storage (MEDIA_ROOT here; see docs/architecture.md for S3) and are served
# only through rectification.views_evidence: MEDIA_URL is deliberately not set.
ZHONGZHI_EVIDENCE_MAX_FILE_BYTES = env_int("ZHONGZHI_EVIDENCE_MAX_FILE_BYTES", 10 * 1024 * 1024)
ZHONGZHI_EVIDENCE_MAX_FILES = env_int("ZHONGZHI_EVIDENCE_MAX_FILES", 5)
ZHONGZHI_EVIDENCE_MAX_UPDATE_BYTES = env_int("ZHONGZHI_EVIDENCE_MAX_UPDATE_BYTES", 30 * 1024 * 1024)
ZHONGZHI_EVIDENCE_MAX_PIXELS = env_int("ZHONGZHI_EVIDENCE_MAX_PIXELS", 50_000_000)

# --- Security -----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# The refusal page in the user's language (Django's own is English and technical).
CSRF_FAILURE_VIEW = "zhongzhi.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind a TLS proxy, set ZHONGZHI_HTTPS=true: secure cookies, HSTS and the redirect.
HTTPS = env_bool("ZHONGZHI_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# A database table, so that every server process shares one-time downloads and throttles.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "zhongzhi_cache",
    }
}

# Background work (django.tasks): a database queue by default, worked by
# `zhongzhi worker` (started by `zhongzhi serve`); tests run tasks immediately.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "triage"],
    }
}

# Notification emails (Django's MAILERS): printed to the console unless EMAIL_BACKEND
# names SMTP ("django.core.mail.backends.smtp.EmailBackend"), which takes the EMAIL_*
# variables below; the password from the environment or a file
# (EMAIL_HOST_PASSWORD_FILE), never committed.
EMAIL_BACKEND_PATH = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
MAILERS: dict[str, dict[str, object]] = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
# The embedded mode has no mail server: people read their notifications on the site and
# the console shows the emails. Django's deploy check calls that an error; it is the
# documented default here, so that one check is off until EMAIL_BACKEND is set.
SILENCED_SYSTEM_CHECKS = [] if env_str("EMAIL_BACKEND") else ["mail.E001"]
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": (
            Path(env_str("EMAIL_HOST_PASSWORD_FILE")).read_text().strip()
            if env_str("EMAIL_HOST_PASSWORD_FILE")
            else env_str("EMAIL_HOST_PASSWORD")
        ),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "zhongzhi@localhost")
# The address people open the site at: the links in emails start with it.
ZHONGZHI_SITE_URL = env_str("ZHONGZHI_SITE_URL", "http://127.0.0.1:8000")
# The hour (0–23, TIME_ZONE) at which the worker runs the daily deadline sweep.
ZHONGZHI_DEADLINES_HOUR = env_int("ZHONGZHI_DEADLINES_HOUR", 1)

# Where the incremental near-duplicate index lives: "database" (shared by every app
# process, the default) or "redis" (REDIS_URL).
ZHONGZHI_DUPLICATE_INDEX = env_str("ZHONGZHI_DUPLICATE_INDEX", "database")
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
# Behind a proxy that sets X-Forwarded-For, rate limits count the address it gives.
ZHONGZHI_TRUSTED_PROXY = env_bool("ZHONGZHI_TRUSTED_PROXY", False)
# Rate-limit counters: with SQLite in a file of their own, so that counting a request
# never queues for the database's one write lock (nor holds it); with PostgreSQL, an
# UNLOGGED table of the database (empty value).
ZHONGZHI_RATE_COUNTER_FILE = env_str(
    "ZHONGZHI_RATE_COUNTER_FILE",
    str(DATA_DIR / "rate_counters.sqlite3")
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    else "",
)
