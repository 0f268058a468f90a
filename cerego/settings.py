"""Cerego settings: one module, every environment differs only by environment variables.

See SPEC.md section 2 and README.md for the variables. Defaults are safe for production;
local development opts into DEBUG (the `scripts/run` command does that for you).
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(BASE_DIR / ".env")

# --- Core ---------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)

DEVELOPMENT_SECRET_KEY = "django-insecure-cerego-development-key-do-not-use-in-production"  # noqa: S105 - refused below unless DEBUG


def weak_secret_error(name: str, value: str) -> str | None:
    """Why `value` may not sign anything in production (the development key, too short or
    too repetitive: Django's own rule for SECRET_KEY), or None. Also the deploy check's."""
    if value != DEVELOPMENT_SECRET_KEY and len(value) >= 50 and len(set(value)) >= 5:
        return None
    return (
        f"{name} must be set to a random value of at least 50 characters when DEBUG is "
        "false (generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )


SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
JWT_SECRET_KEY = env.str("JWT_SECRET_KEY", default=SECRET_KEY)
for _name, _key in [("SECRET_KEY", SECRET_KEY), ("JWT_SECRET_KEY", JWT_SECRET_KEY)]:
    if not DEBUG and (_refusal := weak_secret_error(_name, _key)):
        raise ImproperlyConfigured(_refusal)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS", default=["http://localhost:8000", "http://127.0.0.1:8000"]
)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
WAITLIST_ENABLED = env.bool("WAITLIST_ENABLED", default=True)
WAITLIST_INVITE_EXPIRE_DAYS = env.int("WAITLIST_INVITE_EXPIRE_DAYS", default=14)

INSTALLED_APPS = [
    # Our plumbing as an app: its system checks and the commands that set up the whole site
    # (init_db, load_demo_data). Listed first, so that our db_worker (which survives
    # database restarts) replaces django_tasks_db's and our changepassword (which revokes
    # API tokens) replaces django.contrib.auth's.
    "cerego",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "accounts",
    "decks",
    "quizzes",
    "waitlist",
]

MIDDLEWARE = [
    "cerego.request_id.RequestIdMiddleware",
    # Before anything reads the Host header, so the API refuses a bad one in JSON.
    "cerego.api.ApiHostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so it sees the flag the axes backend sets on a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cerego.urls"
WSGI_APPLICATION = "cerego.wsgi.application"
ASGI_APPLICATION = "cerego.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------

SUPPORTED_DATABASE_ENGINES = {
    "django.db.backends.postgresql": "postgresql",
    "django.db.backends.sqlite3": "sqlite",
}


def database_from_url(url: str) -> dict:
    """Parse DATABASE_URL, refusing anything but a complete PostgreSQL or SQLite URL."""
    config = environ.Env.db_url_config(url) if "://" in url else {}
    if config.get("ENGINE") not in SUPPORTED_DATABASE_ENGINES or not config.get("NAME"):
        raise ImproperlyConfigured(
            f"DATABASE_URL {urlsplit(url)._replace(netloc='…').geturl()!r} is not usable: "
            "expected postgresql://user:password@host:port/name or sqlite:///path/to/db.sqlite3."
        )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        name = Path(config["NAME"])
        config["NAME"] = str(
            name if name.is_absolute() or str(name) == ":memory:" else BASE_DIR / name
        )
        # IMMEDIATE makes writers queue for the lock instead of failing mid-transaction;
        # `timeout` is how long they queue (the busy timeout, in seconds) before "database
        # is locked". Imports write in short transactions so a login waits well under it.
        # WAL lets readers (the import progress page) read while a writer (the import) writes;
        # with WAL, synchronous=NORMAL is safe against corruption and halves the fsyncs.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        timeout_ms = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=30_000)
        # No JIT: our queries are short, and compiling one cost 86 ms to 1.5 s at scale
        # (docs/performance.md, "Scale") where running it takes milliseconds.
        config["OPTIONS"] = {"options": f"-c statement_timeout={timeout_ms} -c jit=off"}
        config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
    return config


DATABASES = {"default": database_from_url(env.str("DATABASE_URL", default="sqlite:///db.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cerego",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Cached database sessions whose cache is best effort: with Redis down, pages read the
# database instead of answering 500.
SESSION_ENGINE = "cerego.sessions"

# --- Accounts and passwords ---------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses locked-out usernames before any password is checked.
    "accounts.backends.LockoutBackend",
    "accounts.backends.UsernameOrEmailBackend",
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
ADMIN_EMAIL = env.str("ADMIN_EMAIL", default="")
ADMIN_USERNAME = env.str("ADMIN_USERNAME", default="")
ADMIN_PASSWORD = env.str("ADMIN_PASSWORD", default="")
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_SECONDS", default=60 * 60 * 24)

# Lockout (django-axes), on both the login page and the token endpoint, in two tiers
# (accounts/lockout.py): AXES_FAILURE_LIMIT failures for one username from one client
# address lock that address out of the account, so a stranger elsewhere cannot lock a
# learner out; ACCOUNT_LOCKOUT_USERNAME_LIMIT failures summed over every address lock the
# account everywhere (guessing spread over many addresses). Floods of different usernames
# from one address are the job of the throttles below.
AXES_HANDLER = "accounts.lockout.TieredLockoutHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
ACCOUNT_LOCKOUT_USERNAME_LIMIT = env.int("ACCOUNT_LOCKOUT_USERNAME_LIMIT", default=50)
if ACCOUNT_LOCKOUT_USERNAME_LIMIT <= AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        "ACCOUNT_LOCKOUT_USERNAME_LIMIT (failures from every address) must be above "
        "AXES_FAILURE_LIMIT (failures from one address)."
    )
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# One person, one counter: "Alice", "alice" and alice's email address lock the same account.
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_RESET_ON_SUCCESS = False
# The lock lasts exactly the cool-off, as the message promises; retries do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_COOLOFF_MESSAGE = (
    "Too many failed login attempts: this account is locked for "
    f"{env.int('AXES_COOLOFF_MINUTES', default=15)} minutes. Try again later or reset your "
    "password."
)
# Reverse proxies in front of Django: only then is X-Forwarded-For believed, by the
# lockout, the audit trail and the throttles alike (a client could forge it otherwise).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if TRUSTED_PROXY_COUNT else ["REMOTE_ADDR"]
)

# --- Internationalisation -----------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded files waiting for a background task (imports); web and worker must share it.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
if DEBUG:
    # runserver serves the source files; no collectstatic needed while developing.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# --- Uploads and imports -----------------------------------------------------------

IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
# What one import may cost, checked while the file is read, before anything is written:
# cards (rows, or notes of an Anki package) and the size of an Anki collection unpacked.
IMPORT_MAX_CARDS = env.int("IMPORT_MAX_CARDS", default=100_000)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int(
    "IMPORT_MAX_UNCOMPRESSED_BYTES", default=4 * IMPORT_MAX_BYTES
)

# Studying. Fuzzing spreads reviews that would fall due together over nearby days.
FSRS_ENABLE_FUZZING = env.bool("FSRS_ENABLE_FUZZING", default=True)
# Personalised parameters: the reviews a learner needs before a fit is offered, and how
# old their last fit must be before the weekly run (manage.py fsrs_optimize_due) refits.
FSRS_OPTIMIZE_MIN_REVIEWS = env.int("FSRS_OPTIMIZE_MIN_REVIEWS", default=400)
FSRS_OPTIMIZE_EVERY = timedelta(days=env.int("FSRS_OPTIMIZE_EVERY_DAYS", default=7))
QUIZ_SIZE_DEFAULT = 20
QUIZ_SIZE_MAX = 100
SYNC_BATCH_MAX = 1000
# How far ahead of the server's clock a synced review may claim to be (device clock skew).
SYNC_CLOCK_SKEW = timedelta(minutes=5)
# Files over 2.5 MB stream to a temporary file instead of memory; an over-size import is
# skipped while it streams in (decks.uploads), before anything is stored.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "decks.uploads.UploadSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Mail ---------------------------------------------------------------------------


def mailers_from_url(url: str) -> dict:
    """Translate a django-environ EMAIL_URL into Django 6.1's MAILERS setting."""
    config = environ.Env.email_url_config(url)
    options = {
        key: config.get(old)
        for key, old in [
            ("host", "EMAIL_HOST"),
            ("port", "EMAIL_PORT"),
            ("username", "EMAIL_HOST_USER"),
            ("password", "EMAIL_HOST_PASSWORD"),
            ("use_tls", "EMAIL_USE_TLS"),
            ("use_ssl", "EMAIL_USE_SSL"),
        ]
        if config.get(old) not in (None, "")
    }
    if config["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
        options = {"file_path": "/" + config["EMAIL_FILE_PATH"].lstrip("/")}
    elif not config["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
        options = {}
    return {"default": {"BACKEND": config["EMAIL_BACKEND"], "OPTIONS": options}}


MAILERS = mailers_from_url(env.str("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Cerego <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks ---------------------------------------------------------------

TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate")
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {sorted(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}

# --- API ----------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # SimpleJWT's, also refusing tokens older than the user's token version.
        "accounts.api.authentication.VersionedJWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "cerego.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "cerego.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cerego.api.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Scoped throttles on the anonymous and login doors; counted in the cache (Redis when
    # REDIS_URL is set), so every web process shares the same counts.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "waitlist": env.str("THROTTLE_WAITLIST_RATE", default="10/hour"),
        "token": env.str("THROTTLE_TOKEN_RATE", default="20/minute"),
        "register": env.str("THROTTLE_REGISTER_RATE", default="10/hour"),
        "password_reset": env.str("THROTTLE_PASSWORD_RESET_RATE", default="5/hour"),
    },
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(
        minutes=env.int("JWT_ACCESS_TOKEN_EXPIRE_MINUTES", default=30)
    ),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_TOKEN_EXPIRE_DAYS", default=14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "ALGORITHM": env.str("JWT_ALGORITHM", default="HS256"),
    "SIGNING_KEY": JWT_SECRET_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
}

SPECTACULAR_SETTINGS = {
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cerego.api.document_common_errors",
    ],
    "TITLE": "Cerego API",
    "DESCRIPTION": "Spaced-repetition learning: catalogs, flashcards, quizzes and progress.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Several models have a `status`; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {"ImportJobStatusEnum": "decks.models.ImportJob.Status"},
}

# --- Security -----------------------------------------------------------------------

SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF cookie (htmx sends the token from `hx-headers`), so none may.
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe health over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging ------------------------------------------------------------------------

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cerego.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}
