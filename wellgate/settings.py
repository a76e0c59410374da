"""Wellgate settings: everything that varies comes from the environment (see README)."""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url

from wellgate.env import ConfigError, envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("WELLGATE_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

WELLGATE_ENV = envstr("WELLGATE_ENV", "dev")
if WELLGATE_ENV not in {"dev", "production"}:
    raise ConfigError(f"WELLGATE_ENV={WELLGATE_ENV!r}: write dev or production.")
PRODUCTION = WELLGATE_ENV == "production"
DEBUG = envbool("DEBUG", False) and not PRODUCTION


def _secret_key() -> str:
    key = envstr("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ConfigError(
            "SECRET_KEY (or SECRET_KEY_FILE) is required when WELLGATE_ENV=production."
        )
    # Development: generate once and keep it under var/ so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()

# Encrypts free-text welfare notes at rest. Comma-separated Fernet keys: the first encrypts,
# all decrypt, so a key can be rotated in and the old one retired after `wellgate rotate-key`.
WELLGATE_DATA_KEY = envstr("WELLGATE_DATA_KEY")
if not WELLGATE_DATA_KEY:
    if PRODUCTION:
        raise ConfigError(
            "WELLGATE_DATA_KEY (or WELLGATE_DATA_KEY_FILE) is required in production."
        )
    _key_path = VAR_DIR / "data_key"
    if not _key_path.exists():
        from cryptography.fernet import Fernet

        _key_path.write_bytes(Fernet.generate_key())
        _key_path.chmod(0o600)
    WELLGATE_DATA_KEY = _key_path.read_text(encoding="utf-8").strip()

ALLOWED_HOSTS = envlist(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
WELLGATE_BASE_URL = envstr("WELLGATE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "wellgate.people",
    "wellgate.policy",
    "wellgate.notify",
    "wellgate.flags",
    "wellgate.support",
    "wellgate.pathway",
    "wellgate.exposure",
    "wellgate.moves",
    "wellgate.checkins",
    "wellgate.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "wellgate.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wellgate.people.middleware.ViewerMiddleware",
    "wellgate.middleware.IdleTimeoutMiddleware",
    "wellgate.middleware.RequireMfaMiddleware",
]

ROOT_URLCONF = "wellgate.urls"
# Our field template (labels without a trailing colon) overrides Django's.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "wellgate.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "wellgate" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wellgate.people.context.viewer",
                "wellgate.pathway.context.officer_controls",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'wellgate.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the tick job and the web process work on one file; wait rather than fail.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# Rate limits (allauth) and idle timeouts must hold across several web processes.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "wellgate_cache",
    }
}

AUTH_USER_MODEL = "people.Person"
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
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "wellgate.people.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
# A changed address is used only once confirmed (allauth's e-mail change: one address in use,
# one waiting); account changes are mailed to the person (allauth's notifications).
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_MAX_EMAIL_ADDRESSES = 2
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Wellgate: "
# Failed logins never lock an account (a welfare lead locked out in a crisis): allauth's
# lock-out is off unless set here, and the adapter slows each further attempt at the account
# instead (after WELLGATE_LOGIN_FREE_FAILURES failures: 1 s, 2 s, 4 s … up to
# WELLGATE_LOGIN_MAX_DELAY), counting failures over WELLGATE_LOGIN_FAILURE_WINDOW seconds.
ACCOUNT_RATE_LIMITS = {
    "login_failed": envstr("WELLGATE_LOGIN_RATE_LIMIT", ""),
}
WELLGATE_LOGIN_FREE_FAILURES = envint("WELLGATE_LOGIN_FREE_FAILURES", 3)
WELLGATE_LOGIN_MAX_DELAY = envint("WELLGATE_LOGIN_MAX_DELAY", 5)
WELLGATE_LOGIN_FAILURE_WINDOW = envint("WELLGATE_LOGIN_FAILURE_WINDOW", 15 * 60)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Wellgate"
SOCIALACCOUNT_ADAPTER = "wellgate.people.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_ONLY = False
OIDC_CLIENT_ID = envstr("OIDC_CLIENT_ID")
SOCIALACCOUNT_PROVIDERS: dict[str, object] = {}
if OIDC_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "entra",
                "name": envstr("OIDC_NAME", "Microsoft Entra ID"),
                "client_id": OIDC_CLIENT_ID,
                "secret": envstr("OIDC_CLIENT_SECRET"),
                "settings": {
                    "server_url": envstr(
                        "OIDC_SERVER_URL",
                        f"https://login.microsoftonline.com/{envstr('OIDC_TENANT_ID', 'common')}/v2.0",
                    ),
                },
            }
        ],
    }

SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if envstr("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "wellgate@localhost")
WELLGATE_EMAIL_ENABLED = envbool("WELLGATE_EMAIL_ENABLED", bool(envstr("EMAIL_HOST")))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# The project's own stylesheet lives in the package, not in an app.
STATICFILES_DIRS = [BASE_DIR / "wellgate" / "static"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
WELLGATE_MAX_UPLOAD_BYTES = envint("WELLGATE_MAX_UPLOAD_BYTES", 4 * 1024**3)

# Strict CSP: everything from this origin, no inline script, nothing from the internet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
