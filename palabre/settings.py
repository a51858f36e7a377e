"""Palabre's only settings file: every value comes from the environment (see .env.example)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from palabre.lib.env import envbool, envint, envlist, envstr
from palabre.lib.keys import new_fernet_key, new_secret_key, read_or_create
from palabre.lib.media_storage import media_storage_options

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(envstr("PALABRE_VAR_DIR", str(BASE_DIR.parent / "var"))).resolve()

# What Palabre writes is its own user's alone: the SQLite database (and its -wal and -shm,
# which SQLite creates with the database's mode), the keys, media, anything in var/.
# Every process reads this file first (palabre, the WSGI server, the worker, tests), so a
# mask set here covers files created by SQLite and libraries too, whatever the host's
# umask; var/ itself is closed, which also covers files an older version left readable.
os.umask(0o077)
VAR_DIR.mkdir(parents=True, exist_ok=True)
with contextlib.suppress(PermissionError):  # a var/ owned by someone else stays as it is
    VAR_DIR.chmod(0o700)

DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY") or read_or_create(VAR_DIR / "secret_key", new_secret_key)
PALABRE_ENCRYPTION_KEYS = envlist("PALABRE_ENCRYPTION_KEYS") or [
    read_or_create(VAR_DIR / "encryption_key", new_fernet_key)
]

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # its docs page with its bundled Swagger UI, never a CDN
    "palabre.accounts",
    "palabre.channels",
    "palabre.networks.demo",
    "palabre.networks.mastodon",
    "palabre.publishing",
    "palabre.inbox",
    "palabre.analytics",
    "palabre.strategy",
    "palabre.listening",
    "palabre.api",
    "palabre.webhooks",
    "palabre.web",
    "palabre.worker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "palabre.web.headers.SecurityHeadersMiddleware",
    # /l/<code> answered here, with the headers above, without the session, CSRF, auth… below.
    "palabre.strategy.redirect.ShortLinkMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files: compressed once, ahead of time
    # Pages go out compressed (6–66 KB uncompressed), files as they are (web/compression.py).
    # Django's middleware pads each response with random bytes against BREACH; it
    # compresses what every middleware below wrote.
    "palabre.web.compression.PageCompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "palabre.accounts.middleware.UserPreferencesMiddleware",
    # After the person's language is known: the refusal is in it.
    "palabre.web.nulbytes.NulBytesMiddleware",
    # /api/v1/: a retried POST answered from its first answer; the rate headers.
    "palabre.api.middleware.ApiMiddleware",
]

# One cache for every web process and machine, in the database (created by a migration):
# nothing more to run, and what one process caches another need not compute again.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "palabre_cache",
        # Small values only (counters, flags): then a third of them are dropped.
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
    # Pages and figures kept a minute or five (the reports, the home's key figures): in each
    # process's memory, never in the database, so that they hold no pickle a new version
    # cannot read, no name a person's erasure leaves behind in a table or a backup, and
    # take no room there. Each process counts them once per period.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "palabre-pages",
        "OPTIONS": {"MAX_ENTRIES": 100},  # a reports page is 80 KB: 8 MB at most
    },
}

ROOT_URLCONF = "palabre.urls"
WSGI_APPLICATION = "palabre.wsgi.application"

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
                "palabre.web.context_processors.shell",
            ],
            # Its `date` filter replaces Django's: "1er décembre" (palabre/formats/filters.py).
            "builtins": ["palabre.formats.filters"],
        },
    },
]

# SQLite under var/ unless DATABASE_URL names another database (PostgreSQL in production).
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'palabre.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE avoids lock upgrades
    # failing mid-transaction when both write at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that tests can start real worker processes against it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["palabre.accounts.backends.EmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins allowed per e-mail address (and 4 times as many per IP) in the window.
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", 5)
LOGIN_FAILURE_WINDOW_MINUTES = envint("LOGIN_FAILURE_WINDOW_MINUTES", 15)
INVITATION_VALID_DAYS = 7

LANGUAGE_CODE = envstr("LANGUAGE_CODE", "fr")
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as Palabre writes them, in each language: palabre/formats/ names the few styles.
FORMAT_MODULE_PATH = ["palabre.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_WORKSPACE_TIMEZONE = "Europe/Paris"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request otherwise
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the source folders when nothing was collected (tests, development).
WHITENOISE_USE_FINDERS = envbool("WHITENOISE_USE_FINDERS", True)
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"

EMAIL_HOST = envstr("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
# A mail server that stops answering mid-send must not hold a worker (and the row it keeps,
# worker/kept.py) for good.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 60)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Palabre <palabre@localhost>")

# Behind an HTTPS reverse proxy (production): secure cookies, HSTS, redirect to HTTPS.
HTTPS = envbool("PALABRE_HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # The header alone changes nothing until the domain is submitted to the preload list.
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_HTTPONLY = True
# Palabre's own names: browsers keep cookies per host, not per port, so another Django site
# on the same host (a Takahē instance beside a test or a small self-hosted setup) would
# otherwise overwrite Palabre's session in the middle of connecting it.
SESSION_COOKIE_NAME = "palabre_session"
CSRF_COOKIE_NAME = "palabre_csrftoken"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Other sites learn nothing of Palabre's addresses (workspace names are in them). Short
# links (/l/<code>) set their own policy: the destination may see which network sent
# the click, as far as that network allowed.
SECURE_REFERRER_POLICY = "same-origin"
# Sent on every response by palabre/web/headers.py. Scripts and styles: our static files
# only (no inline script or style, no eval: htmx's injected indicator style is turned off
# in base.html, its rule is in palabre.css). Images: ours, and data: for the icons Pico's
# stylesheet draws (checkboxes, selects). Nothing may frame a page.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "media-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
# Powerful browser features no page of Palabre uses: off, for it and anything it embeds.
PERMISSIONS_POLICY_DISABLED = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

WORKER_POLL_SECONDS = float(envstr("WORKER_POLL_SECONDS", "1"))
WORKER_BATCH_SIZE = envint("WORKER_BATCH_SIZE", 20)
# How often the inbox asks each network for news, in seconds. Bluesky answers cheaply and
# fast, so replies reach the inbox within seconds; Mastodon servers are run by volunteers.
INBOX_POLL_SECONDS = {
    "bluesky": 2.0,
    "mastodon": 60.0,
    "demo": 5.0,
    "demo_mastodon": 5.0,
    "demo_facebook": 5.0,
    "demo_instagram": 5.0,
    "demo_threads": 5.0,
    # The demo's X channel counts each poll as X would bill it: once a minute, not every 5 s.
    "demo_x": 60.0,
    # X bills each request (docs/networks/x.md): every 30 minutes is 1,440 polls a month per
    # channel. A channel's own setting (poll_minutes) overrides it.
    "x": 1800.0,
    "default": 60.0,
}
if envstr("PALABRE_INBOX_POLL_SECONDS"):
    INBOX_POLL_SECONDS = dict.fromkeys(
        INBOX_POLL_SECONDS, float(envstr("PALABRE_INBOX_POLL_SECONDS"))
    )
# How long a publication's claim lasts, renewed before each send: a worker that dies holds
# its rows this long before another takes them. Longer than the longest send (Threads waits
# up to 6 minutes for its containers), or another worker could send again meanwhile.
WORKER_LEASE_SECONDS = envint("WORKER_LEASE_SECONDS", 600)
# A handler's row is kept while it works (worker/kept.py), up to this long: past it, a
# handler stuck for good lets its row go to another worker. Longer than the longest send
# the outbound guard allows (a 99 MB video at its slowest: about 2 hours).
WORKER_MAX_HOLD_SECONDS = envint("WORKER_MAX_HOLD_SECONDS", 3 * 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "palabre.lib.refusals_log.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # A 403 is one line, without the refusal's traceback (lib/refusals_log.py).
        "django.request": {"filters": ["refusals"]},
        # httpx logs each request's URL at INFO. Graph calls carry their token in a header,
        # but Meta's token exchanges take the app secret and tokens in the query string, as
        # Meta documents them: kept at WARNING, credentials are never logged
        # (tests/hostile/test_meta_secrets.py).
        "httpx": {"level": "WARNING"},
        # The media bucket's client logs each request's headers at DEBUG, the access key id
        # among them (docs/media.md): never below WARNING either.
        "botocore": {"level": "WARNING"},
        "boto3": {"level": "WARNING"},
        "s3transfer": {"level": "WARNING"},
    },
}

# Requests to addresses people type (a Bluesky service, a Mastodon instance) never reach
# loopback, private or metadata addresses, except the hosts listed here (lib/outbound.py):
# host names, IP addresses or networks (CIDR), comma-separated.
PALABRE_OUTBOUND_ALLOWED_HOSTS = envlist("PALABRE_OUTBOUND_ALLOWED_HOSTS")

# Meta (Facebook Pages, Instagram): the instance's own Meta app, with Facebook Login for
# Business and its login configuration (docs/networks/meta.md). The addresses are Meta's;
# the tests point them at the Graph API double (tests/networks/meta/).
# Where `palabre stream` reads Bluesky's repository event stream: a relay, which carries every
# account's posts (a reply from another PDS is only there), or `pds` for each channel's own
# PDS, enough when everyone who answers lives there (the local network).
# `palabre worker` lowers its own CPU priority by this much (Unix niceness, 0 to 19; 0
# leaves it as it is): on a machine the web processes share with workers, a member waiting
# for a page goes before a background job, which can wait a second (docs/scaling.md).
PALABRE_WORKER_NICE = min(max(envint("PALABRE_WORKER_NICE", 10), 0), 19)
# Saved listening searches per workspace (each is matched against every public post streamed).
PALABRE_LISTENING_MAX_SEARCHES = max(envint("PALABRE_LISTENING_MAX_SEARCHES", 20), 0)
PALABRE_BLUESKY_RELAY = envstr("PALABRE_BLUESKY_RELAY", "https://bsky.network").rstrip("/")
# Where did:plc documents are read, to check that an account is the one a service claims
# (palabre/networks/bluesky/identity.py).
PALABRE_BLUESKY_PLC_URL = envstr("PALABRE_BLUESKY_PLC_URL", "https://plc.directory").rstrip("/")

PALABRE_META_APP_ID = envstr("PALABRE_META_APP_ID", "")
PALABRE_META_APP_SECRET = envstr("PALABRE_META_APP_SECRET", "")
PALABRE_META_CONFIG_ID = envstr("PALABRE_META_CONFIG_ID", "")
# What Meta sends back in the webhook subscription handshake (hub.verify_token).
PALABRE_META_WEBHOOK_TOKEN = envstr("PALABRE_META_WEBHOOK_TOKEN", "")
PALABRE_META_API_VERSION = envstr("PALABRE_META_API_VERSION", "v26.0")
PALABRE_META_GRAPH_URL = envstr("PALABRE_META_GRAPH_URL", "https://graph.facebook.com").rstrip("/")
PALABRE_META_LOGIN_URL = envstr("PALABRE_META_LOGIN_URL", "https://www.facebook.com").rstrip("/")
# Threads has its own app settings and login.
PALABRE_THREADS_APP_ID = envstr("PALABRE_THREADS_APP_ID", "")
PALABRE_THREADS_APP_SECRET = envstr("PALABRE_THREADS_APP_SECRET", "")
PALABRE_THREADS_API_VERSION = envstr("PALABRE_THREADS_API_VERSION", "v1.0")
PALABRE_THREADS_GRAPH_URL = envstr("PALABRE_THREADS_GRAPH_URL", "https://graph.threads.net").rstrip(
    "/"
)
PALABRE_THREADS_LOGIN_URL = envstr("PALABRE_THREADS_LOGIN_URL", "https://threads.net").rstrip("/")
# X: the instance's own X app, with OAuth 2.0 (docs/networks/x.md). The addresses are X's;
# the tests and `make x-local` point them at the X double (tests/networks/x/).
PALABRE_X_CLIENT_ID = envstr("PALABRE_X_CLIENT_ID", "")
PALABRE_X_CLIENT_SECRET = envstr("PALABRE_X_CLIENT_SECRET", "")
PALABRE_X_API_URL = envstr("PALABRE_X_API_URL", "https://api.x.com").rstrip("/")
PALABRE_X_AUTHORIZE_URL = envstr("PALABRE_X_AUTHORIZE_URL", "https://x.com/i/oauth2/authorize")
# What X charges per request, in US dollars, by kind of request (channels/x_cost.py holds
# the default table and what each kind means); a JSON object overrides some or all of them:
# PALABRE_X_PRICES='{"read": 0.005, "post_create": 0.01}'.
PALABRE_X_PRICES = envstr("PALABRE_X_PRICES", "")
# LinkedIn: the instance's own LinkedIn app, with the Community Management API product
# (docs/networks/linkedin.md). The addresses are LinkedIn's; the tests and
# `make linkedin-local` point them at the LinkedIn double (tests/networks/linkedin/).
PALABRE_LINKEDIN_CLIENT_ID = envstr("PALABRE_LINKEDIN_CLIENT_ID", "")
PALABRE_LINKEDIN_CLIENT_SECRET = envstr("PALABRE_LINKEDIN_CLIENT_SECRET", "")
PALABRE_LINKEDIN_API_URL = envstr("PALABRE_LINKEDIN_API_URL", "https://api.linkedin.com").rstrip(
    "/"
)
PALABRE_LINKEDIN_LOGIN_URL = envstr(
    "PALABRE_LINKEDIN_LOGIN_URL", "https://www.linkedin.com"
).rstrip("/")
# Sent as LinkedIn-Version (YYYYMM); empty: the version the connector was written for.
PALABRE_LINKEDIN_API_VERSION = envstr("PALABRE_LINKEDIN_API_VERSION", "")
# How long a signed media URL given to a network (Instagram, Threads fetch files) works.
PALABRE_PUBLIC_MEDIA_SECONDS = envint("PALABRE_PUBLIC_MEDIA_SECONDS", 3600)

# Behind a reverse proxy, REMOTE_ADDR is the proxy: read the client from X-Forwarded-For.
TRUST_X_FORWARDED_FOR = envbool("PALABRE_TRUST_X_FORWARDED_FOR", False)

# Media library: the largest upload accepted, and where files go. The default keeps them
# under MEDIA_ROOT (var/media); PALABRE_MEDIA_STORAGE=storages.backends.s3.S3Storage keeps
# them in an S3-compatible bucket named by the AWS_* variables (docs/media.md).
PALABRE_MAX_UPLOAD_MB = envint("PALABRE_MAX_UPLOAD_MB", 300)
# A publication this many hours past its time (its channel needed reconnecting, the network
# did not answer, the workers were stopped) is not sent by Palabre itself: a person decides.
PALABRE_PUBLISH_LATE_HOURS = max(envint("PALABRE_PUBLISH_LATE_HOURS", 6), 1)
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # larger files wait in a temporary file
# Counts the bytes received and stops keeping an upload past PALABRE_MAX_UPLOAD_MB.
FILE_UPLOAD_HANDLERS = [
    "palabre.lib.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Every form takes one file: a request with more is refused before they are kept.
DATA_UPLOAD_MAX_NUMBER_FILES = 5
# Said explicitly too, for a MEDIA_ROOT outside var/: the storage sets these modes itself.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
PALABRE_MEDIA_STORAGE = envstr(
    "PALABRE_MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"
)
STORAGES = {
    "default": {
        "BACKEND": PALABRE_MEDIA_STORAGE,
        # The bucket's settings (lib/media_storage.py); the keys never show on a page or in
        # a log (Django hides settings named like KEY or SECRET from its error reports).
        "OPTIONS": media_storage_options(PALABRE_MEDIA_STORAGE),
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The REST API (docs/api.md): calls a token may make per minute (a fixed window; 429 past it).
PALABRE_API_RATE_PER_MINUTE = max(envint("PALABRE_API_RATE_PER_MINUTE", 300), 1)
# ninja: no settings of its own beyond these; its docs page uses its bundled Swagger UI.
NINJA_PAGINATION_MAX_LIMIT = 200
