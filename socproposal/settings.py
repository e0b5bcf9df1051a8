"""Settings for SOC Proposal Studio. One plain module; the environment decides what differs
between a developer's machine, CI and a server."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


DEBUG = env_bool("DEBUG")

# Without DEBUG there is no default: the key stays empty, so commands that sign nothing
# (migrate, makemigrations) still run, and Django refuses anything that needs the key.
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "development-only-key-never-used-when-debug-is-off" if DEBUG else ""
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "simple_history",
    "csp",
    "axes",
    "accounts",
    "occupations",
    "comments",
    "documents",
    "consensus",
    "reference",
]

MIDDLEWARE = [
    # First: a body too large is refused from its Content-Length, before anything reads it
    # (the CSRF check reads a POST's body).
    "socproposal.middleware.request_body_limit",
    # Before anything reads the Host header or redirects to HTTPS: a load balancer calls it
    # by address, over plain HTTP.
    "socproposal.health.healthz",
    "django.middleware.security.SecurityMiddleware",
    *(["whitenoise.middleware.WhiteNoiseMiddleware"] if not DEBUG else []),
    "django.contrib.sessions.middleware.SessionMiddleware",
    "socproposal.middleware.session_idle_expiry",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "socproposal.middleware.private_pages",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "socproposal.middleware.htmx_login_required",
    # Last, as axes asks: it turns a locked sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# Sign-in throttling (accounts/throttle.py): axes checks first, then Django's own backend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "accounts.throttle.AccountAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = ["username"]  # an account is locked, not the room it is used from
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
# A try while locked is refused without being counted: the cool-off the page states holds
# (and a lock by address, which axes' own count does not see, is answered as a lock).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # each failure, with its address: the per-address count
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 50)
AXES_ADDRESS_WINDOW = timedelta(minutes=env_int("AXES_ADDRESS_WINDOW_MINUTES", 15))
AXES_LOCKOUT_CALLABLE = "accounts.throttle.locked_out"
# Behind a proxy, the client's address is in X-Forwarded-For; trust as many proxies as said.
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT
                                     else ["REMOTE_ADDR"])

# axes warns that a lock by username alone can be dodged by changing User-Agents; not so
# here: its count for a username adds up every (address, agent) it was tried from, and the
# per-address count above stands beside it.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Password reset requests, counted from the database (accounts.models.ResetRequest).
PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = env_int("PASSWORD_RESETS_PER_ADDRESS_PER_HOUR", 20)
PASSWORD_RESETS_PER_EMAIL_PER_HOUR = env_int("PASSWORD_RESETS_PER_EMAIL_PER_HOUR", 3)

ROOT_URLCONF = "socproposal.urls"
WSGI_APPLICATION = "socproposal.wsgi.application"
ASGI_APPLICATION = "socproposal.asgi.application"

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
                "comments.context_processors.inbox",
            ],
        },
    },
]

# The cache every server process shares: the database's (table made by a migration).
# The proposal page is drawn once per change for each role and kept there for
# PAGE_CACHE_SECONDS (0: never kept). RELEASE names what is deployed: a new one never
# reads pages drawn by templates it replaced.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "soc_cache",
        "OPTIONS": {"MAX_ENTRIES": 400, "CULL_FREQUENCY": 4},
    },
}
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
RELEASE = os.environ.get("RELEASE", "1")

# SQLite under the project by default; PostgreSQL (or any other) through DATABASE_URL.
# An empty DATABASE_URL (`DATABASE_URL= make test`) means the default, not no database.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two people saving at once: a write transaction takes the lock when it begins, so
    # the second waits for the first instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# accounts/hashers.py says why these parameters; the others verify older hashes.
PASSWORD_HASHERS = [
    "accounts.hashers.MeetingArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
if not DEBUG:
    # Served by WhiteNoise from the files `collectstatic` gathered: compressed, with the
    # file's hash in its name, so each can be cached for good (max-age of ten years,
    # immutable), and a new version is a new name.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SOC Proposal Studio <noreply@localhost>")

# Mail: SMTP from the environment (the console prints mail in development).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # seconds: a mail server that hangs must not hang a page
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Who gets a mail for each error (500): "ann@example.org,ben@example.org".
ADMINS = [(address, address) for address in env_list("ADMINS")]

# Errors to standard error, with the request's path and user id; never form data or a
# frame's variables (socproposal/logs.py), in the log or in the mail to ADMINS.
DEFAULT_EXCEPTION_REPORTER_FILTER = "socproposal.logs.NoDocumentText"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "socproposal.logs.RequestContext"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [path=%(path)s user=%(user_id)s] %(message)s"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "plain",
                   "filters": ["request_context"]},
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR",
                        "filters": ["require_debug_false"], "include_html": False},
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["stderr", "mail_admins"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},  # its start-up line in every command, and each success
    },
}

# Content-Security-Policy (django-csp): our own files only, no inline script or style (a
# test fails if a page grows one; htmx's injected indicator style is off in base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Sessions end after this long without a visit (socproposal.middleware.session_idle_expiry).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_HOURS", 12) * 3600

# Behind a TLS proxy: the header it sets for HTTPS, as "HTTP_X_FORWARDED_PROTO,https".
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = tuple(env_list("SECURE_PROXY_SSL_HEADER"))

if not DEBUG:
    # HTTPS only. For a trial over plain HTTP on 127.0.0.1: SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0.
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer checks it over plain HTTP
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading puts the domain in browsers' own lists, which is slow to undo: the
        # deployer's choice (SECURE_HSTS_PRELOAD=1), not a default.
        SILENCED_SYSTEM_CHECKS.append("security.W021")

# Reviewed Word files. An upload path any signed-in member reaches must cost little,
# whatever it is sent: caps counted from the database (they hold across server processes).
MB = 1024 * 1024
IMPORT_FILES_PER_REQUEST = env_int("IMPORT_FILES_PER_REQUEST", 4)
DATA_UPLOAD_MAX_NUMBER_FILES = IMPORT_FILES_PER_REQUEST
IMPORT_MAX_FILE_BYTES = 20 * MB  # documents.upload.MAX_BYTES: checked again there, by the bytes
# Four files of the most an import takes, and the form around them.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", IMPORT_FILES_PER_REQUEST * IMPORT_MAX_FILE_BYTES + 4 * MB)
IMPORTS_PER_USER_PER_HOUR = env_int("IMPORTS_PER_USER_PER_HOUR", 30)
IMPORT_PREVIEWS_PER_USER = env_int("IMPORT_PREVIEWS_PER_USER", 10)
IMPORT_PREVIEWS_PER_PROPOSAL = env_int("IMPORT_PREVIEWS_PER_PROPOSAL", 20)
# A preview neither applied nor cancelled this long is stale: not counted, not applied by
# "Apply all", and cleared (with its file) by `manage.py clear_stale_imports`.
IMPORT_STALE_HOURS = env_int("IMPORT_STALE_HOURS", 24)

# Membership by consent (occupations/invitations.py): an invitation's link works this many
# days; a person sends at most this many invitations an hour, counted from the database.
INVITATION_DAYS = env_int("INVITATION_DAYS", 14)
INVITATIONS_PER_USER_PER_HOUR = env_int("INVITATIONS_PER_USER_PER_HOUR", 20)
# Who may start a proposal: "anyone" signed in, or "staff" (an organisation's own server).
PROPOSAL_CREATORS = os.environ.get("PROPOSAL_CREATORS", "anyone")
PROPOSALS_PER_USER_PER_HOUR = env_int("PROPOSALS_PER_USER_PER_HOUR", 5)

# Where people reach the application: links in e-mails written outside a request (a
# mention is recorded by the service that saves the comment) start with it.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
