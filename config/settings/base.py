"""Settings shared by every environment; local, test and production only override.

Everything environment-specific is read from the environment through one `env` object, so a
bad value fails loudly at start-up. With no variables set Candor runs on the embedded default:
SQLite (WAL) and kombu's filesystem broker under var/.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc served from here, not a CDN (CSP)
    "csp",
    "accounts",
    "reviews",
    "ranking",
    "moderation",
    "brands",
    "search",
    "foryou",
    "config",  # project-wide plumbing; imports no app (each app connects its own receivers)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.badinput.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.PinPrimaryAfterWriteMiddleware",
    "config.middleware.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.locale.LanguageMiddleware",  # after auth: reads the member's language setting
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",  # request.htmx
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.pagecache.csrf_placeholder",
                "config.locale.languages",  # <html lang>, hreflang alternates, the language switch
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL selects PostgreSQL in production and CI; the embedded default is SQLite in WAL
# mode with IMMEDIATE transactions so concurrent writers queue instead of failing.
# Unset or empty both mean the embedded default (production refuses either: production.py).
DATABASE_URL = env("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'candor.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    # Safe behind PgBouncer in transaction mode: no server-side cursors; health-checked
    # persistent connections.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # A process killed mid-statement (an OOM-killed worker during a rerank) leaves its session
    # running, holding its locks, until the statement ends. PostgreSQL (14+) then checks the client
    # every so often and rolls the session back once it is gone. 0 turns it off (behind PgBouncer,
    # which refuses startup options: set it on the database instead, docs/deploy.md).
    DATABASE_CLIENT_CHECK_SECONDS = env.int("DATABASE_CLIENT_CHECK_SECONDS", default=10)
    if DATABASE_CLIENT_CHECK_SECONDS > 0:
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = (
            f"{_options.get('options', '')} -c client_connection_check_interval={DATABASE_CLIENT_CHECK_SECONDS * 1000}"
        ).strip()
    # Prepared statements: PostgreSQL spends more CPU planning a page's small queries (~0.8 ms for
    # the feed's five-table join) than running them (~0.15 ms). With server-side binding psycopg
    # prepares a statement once it has run DATABASE_PREPARE_THRESHOLD times on a connection and
    # reuses its plan. Off (0) behind a pooler in transaction mode that cannot keep them
    # (PgBouncer before 1.21, or without max_prepared_statements): docs/deploy.md.
    DATABASE_PREPARE_THRESHOLD = env.int("DATABASE_PREPARE_THRESHOLD", default=2)
    if DATABASE_PREPARE_THRESHOLD > 0:
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["server_side_binding"] = True
        _options["prepare_threshold"] = DATABASE_PREPARE_THRESHOLD
# Optional read replica: feed, product and profile reads go there, writes and the reads right
# after a write stay on the primary (config/db_router.py).
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=10)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
        "DISABLE_SERVER_SIDE_CURSORS": True,
        # The same prepared statements and session options as the primary.
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["config.db_router.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USING_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")

# --- Redis: cache and Celery broker -------------------------------------------------------------
# One Redis may hold both (REDIS_URL); larger sites give the broker its own (CELERY_BROKER_URL,
# maxmemory-policy noeviction: a task is never evicted) and the cache its own (CACHE_URL,
# allkeys-lru: a full cache evicts instead of refusing writes). docs/deploy.md, "Redis".
REDIS_URL = env("REDIS_URL", default="")
CACHE_URL = env("CACHE_URL", default=REDIS_URL)
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
# Every cache entry expires: a default for writes that name no timeout, and no write passes
# timeout=None (keys kept forever are how a shared Redis under noeviction fills up).
CACHE_DEFAULT_TIMEOUT = env.int("CACHE_DEFAULT_TIMEOUT_SECONDS", default=60 * 60)
# The page and card caches' generation counters expire too (a day after they were started): one
# that is gone restarts from the clock, above every number an entry was stored under.
CACHE_GENERATION_SECONDS = 24 * 60 * 60
if CACHE_URL:
    CACHES = {
        "default": {
            # Django's backend, reusing its redis-py clients (config/cache.py).
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "TIMEOUT": CACHE_DEFAULT_TIMEOUT,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # Sessions read from Redis and survive a cache flush in the database; config.sessions keeps
    # them working from the database alone while Redis is down.
    SESSION_ENGINE = "config.sessions"
else:
    # Shared between the web process and the worker on one machine, needs no server.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "TIMEOUT": CACHE_DEFAULT_TIMEOUT,
        }
    }
if CELERY_BROKER_URL:
    # Without timeouts a Redis that accepts connections but never answers (a failover, a half-open
    # connection) blocks a publish forever. Requests publish with shorter ones (config/tasks.py).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 10}
else:
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "broker"
    # kombu's filesystem transport fails on a missing folder; create them on start-up.
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }

# Site chrome drawn once per process for visitors (templates/base.html's {% cache %} blocks):
# the same for every visitor on a URL; only code and settings change it, and a deploy restarts
# the processes.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "candor-fragments",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

# First pages of the ranked lists cached whole for anonymous visitors (config/pagecache.py),
# dropped at each rerank and moderation action; this is also how stale a vote or comment count
# on them may get. 0 turns the cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)
# Each review's reader-independent card HTML and API dict, for every reader (reviews/cards.py),
# keyed by what it shows, so it is never stale; this is only how long an unread one is kept (an
# hour: the first pages stay warm, and a card's old versions leave Redis soon). 0 turns it off.
CARD_CACHE_SECONDS = env.int("CARD_CACHE_SECONDS", default=60 * 60)
# How many card fragments each process also keeps in its own memory (a few KB each), so a page
# fetches only the cache generation from Redis for the cards it drew or read before. 0: none.
CARD_LOCAL_ENTRIES = env.int("CARD_LOCAL_ENTRIES", default=4000)

# After a Redis cache call fails (down or hung), the process skips the cache for this long
# (config/cache.py): every caller copes without it, but not with a timeout per call.
CACHE_RETRY_SECONDS = 5
# After a request could not enqueue a task, its process does not try the broker again for this
# long (the work waits in an outbox for a periodic job; config/tasks.py).
BROKER_RETRY_SECONDS = 30

# Queues by kind, so each can be scaled on its own machines (docs/deploy.md). Tasks land on
# "default" unless routed here.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUE_NAMES = ["default", "ranking", "media", "notifications"]
CELERY_TASK_ROUTES = {
    "ranking.tasks.*": {"queue": "ranking"},
    "*.tasks.process_*": {"queue": "media"},
    "*.tasks.notify_*": {"queue": "notifications"},
    "*.tasks.send_*": {"queue": "notifications"},
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Every periodic job is declared here, with when and why.
CELERY_BEAT_SCHEDULE: dict = {}

# --- Auth ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# ModelBackend that also finds a username typed in a form sign-up would normalise (fullwidth...).
AUTHENTICATION_BACKENDS = ["accounts.backends.NameBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

from .i18n import LANGUAGE_CODE, LANGUAGES, LOCALE_PATHS, USE_I18N  # noqa: E402, F401

TIME_ZONE = "UTC"
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Media on S3-compatible object storage when S3_BUCKET is set, so web processes keep nothing on
# their own disk; local files otherwise.
S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "region_name": env("S3_REGION", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "custom_domain": env("S3_CUSTOM_DOMAIN", default=None),
            "querystring_auth": env.bool("S3_QUERYSTRING_AUTH", default=False),
            "default_acl": None,
            "file_overwrite": False,
        },
    }

# --- Content-Security-Policy (django-csp) ------------------------------------------------------
# Scripts and styles only from our own static files (no inline script or style attribute
# anywhere: tests/config/test_csp.py); an inline <script> or <style> would need
# nonce="{{ request.csp_nonce }}", and then must not sit in a page-cached or {% cache %} block.
# Nothing from a third-party origin but the media bucket. The API docs pages (Swagger UI, ReDoc:
# assets from drf-spectacular-sidecar) loosen style-src for their own pages only (config/urls.py).
from csp.constants import NONCE, NONE, SELF  # noqa: E402


def _media_origins() -> list[str]:
    if not S3_BUCKET:
        return []
    options = STORAGES["default"]["OPTIONS"]
    if options["custom_domain"]:
        return [f"https://{options['custom_domain']}"]
    if options["endpoint_url"]:
        from urllib.parse import urlsplit

        endpoint = urlsplit(options["endpoint_url"])
        return [f"{endpoint.scheme}://{endpoint.netloc}"]
    region = f".{options['region_name']}" if options["region_name"] else ""
    return [f"https://{S3_BUCKET}.s3{region}.amazonaws.com"]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # data: for inline SVG icons in CSS, blob: for photo previews before upload.
        "img-src": [SELF, "data:", "blob:", *_media_origins()],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Uploads: 9 photos of up to 10 MB each must fit in one request.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# --- Photos -------------------------------------------------------------------------------------
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_DISPLAY_MAX_SIDE = 1600
PHOTO_THUMBNAIL_MAX_SIDE = 480
PHOTOS_PER_REVIEW_MAX = 9

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",  # DRF's, one precompiled query
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # JSON with a size and a nesting limit (config/parsers.py); forms as DRF parses them.
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.NewestFirstCursorPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",  # error responses declared once
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    # Abuse limits (config/throttling.py), per user or, signed out, per client IP. `<scope>_new`
    # applies to accounts younger than THROTTLE_NEW_ACCOUNT_DAYS. The web pages use the same.
    "DEFAULT_THROTTLE_RATES": {
        "signup": env("THROTTLE_SIGNUP", default="10/hour"),
        "login": env("THROTTLE_LOGIN", default="20/minute"),
        "review": env("THROTTLE_REVIEW", default="30/hour"),
        "review_new": env("THROTTLE_REVIEW_NEW", default="5/hour"),
        "photo": env("THROTTLE_PHOTO", default="90/hour"),
        "photo_new": env("THROTTLE_PHOTO_NEW", default="20/hour"),
        "vote": env("THROTTLE_VOTE", default="120/minute"),
        "vote_new": env("THROTTLE_VOTE_NEW", default="20/minute"),
    },
    # Client IP = REMOTE_ADDR unless this many proxies (the load balancer) sit in front and set
    # X-Forwarded-For; a forged header then cannot dodge the limits.
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
    "DEFAULT_RENDERER_CLASSES": [
        "config.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
THROTTLE_NEW_ACCOUNT_DAYS = env.int("THROTTLE_NEW_ACCOUNT_DAYS", default=7)
SPECTACULAR_SETTINGS = {
    "TITLE": "Candor API",
    "DESCRIPTION": "Reviews by key opinion consumers: products, reviews, helpful votes, "
    "comments, saves, follows and feeds.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Served by drf-spectacular-sidecar from our static files: the CSP allows no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Distinct names for the moderation enums that share a field name with others.
    "ENUM_NAME_OVERRIDES": {
        "QueueItemStatusEnum": "moderation.models.QueueItem.Status",
        "ReportStatusEnum": "moderation.models.Report.Status",
        "AuditActionEnum": "moderation.models.AuditEntry.Action",
        "ContentActionEnum": "moderation.services.CONTENT_ACTION_NAMES",
        "UserActionEnum": "moderation.services.USER_ACTIONS",
        "FraudDecisionEnum": "moderation.services.FRAUD_DECISION_NAMES",
        "FraudFlagStatusEnum": "ranking.models.FraudFlag.Status",
        "FraudFlagKindEnum": "ranking.models.FraudFlag.Kind",
        "StatusEnum": "reviews.models.Review.Status",
        "InvitationStatusEnum": "brands.models.Invitation.Status",
        "CampaignEventKindEnum": "brands.models.CampaignEvent.Kind",
        "ResolutionEnum": "moderation.models.QueueItem.Resolution",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
SERVE_MEDIA = env.bool("DJANGO_SERVE_MEDIA", default=not S3_BUCKET)

# === Ranking (issue 3) =========================================================================
# What an operator sets per deployment (docs/deploy.md). The ranking's rules are the same in every
# deployment and live with the app: ranking/scoring.py (the formula's numbers, levels) and
# ranking/policy.py (rank depths, category experts, the invited-tester bar).
from datetime import timedelta  # noqa: E402

from celery.schedules import crontab  # noqa: E402

# How often the incremental rerank runs (it only touches what changed since the last run).
RANKING_RERANK_INTERVAL = timedelta(seconds=env.int("RANKING_RERANK_INTERVAL_SECONDS", default=300))
# The run's lock (a database row, ranking.models.RerankState) expires after this long, so a run
# killed with SIGKILL blocks the next ones for at most this long (on PostgreSQL it is taken over
# at once). Must exceed the longest full run.
RANKING_LOCK_TIMEOUT = env.int("RANKING_LOCK_TIMEOUT_SECONDS", default=15 * 60)
# An incremental run does the full run's work instead when the last finished full run began more
# than this long ago (the nightly one was missed: a day and an hour's grace), or when a full run
# begun since never finished (killed or failed; ranking.services.full_run_due).
RANKING_FULL_RUN_MAX_AGE = timedelta(hours=env.int("RANKING_FULL_RUN_MAX_AGE_HOURS", default=25))
# Each incremental run re-reads changes this far before the previous run started, so a vote whose
# transaction began before that run and committed during it is never missed. Must exceed the
# longest transaction that writes votes or reviews.
RANKING_WATERMARK_OVERLAP = timedelta(seconds=env.int("RANKING_WATERMARK_OVERLAP_SECONDS", default=60))

# Incremental rerank every RANKING_RERANK_INTERVAL: scores, reputation and levels follow votes
# within minutes.
CELERY_BEAT_SCHEDULE["ranking-rerank"] = {
    "task": "ranking.tasks.rerank",
    "schedule": RANKING_RERANK_INTERVAL,
    "options": {"expires": RANKING_RERANK_INTERVAL.total_seconds()},
}
# Full rerank nightly at 03:17 UTC (quiet hours): refreshes what time alone changes (account
# ages, recency, activity), category priors, fraud rings, and promotes/demotes invited testers.
# With RANKING_FULL_SPLIT_PARTS above 1, the nightly run is split into that many review-id ranges,
# computed in parallel by the ranking workers and committed by one final step (ranking.tasks.
# rerank_split); 1 runs it on one worker, whose big statements PostgreSQL already runs in
# parallel (faster than splitting unless the database has cores to spare: docs/deploy.md).
RANKING_FULL_SPLIT_PARTS = env.int("RANKING_FULL_SPLIT_PARTS", default=1)
CELERY_BEAT_SCHEDULE["ranking-rerank-full"] = (
    {"task": "ranking.tasks.rerank", "schedule": crontab(hour=3, minute=17), "kwargs": {"full": True}}
    if RANKING_FULL_SPLIT_PARTS <= 1
    else {
        "task": "ranking.tasks.rerank_split",
        "schedule": crontab(hour=3, minute=17),
        "kwargs": {"parts": RANKING_FULL_SPLIT_PARTS},
    }
)
# === end Ranking ===============================================================================

# === Brands and tester campaigns (issue 5) =====================================================
# The rules of the invited-tester program (campaign limits, deadlines, eligibility, matching,
# e-mail retries) are the same in every deployment and live with the app: brands/policy.py.

# Absolute links in emails.
CANDOR_SITE_URL = env("CANDOR_SITE_URL", default="http://127.0.0.1:8000")
# Every 15 minutes: expire invitations not answered within their window and mark reviews overdue
# (counting against completion, demoting per the overdue rule). Safe to run twice: rows are
# claimed with conditional updates.
CELERY_BEAT_SCHEDULE["brands-deadlines"] = {
    "task": "brands.tasks.enforce_deadlines",
    "schedule": timedelta(minutes=15),
    "options": {"expires": 15 * 60},
}
# Hourly: remind testers brands.policy.REMINDER_BEFORE before their review is due (once per
# item: the reminder_sent_at claim). Routed to the notifications queue by its send_ name.
CELERY_BEAT_SCHEDULE["brands-review-reminders"] = {
    "task": "brands.tasks.send_review_reminders",
    "schedule": timedelta(hours=1),
    "options": {"expires": 60 * 60},
}
# Every minute: send the emails left in the outbox, because the broker could not take their task
# when their change committed (Redis down) or sending failed. Safe to run twice: each email is
# claimed with a conditional update before it is sent. Routed to the notifications queue.
CELERY_BEAT_SCHEDULE["brands-send-pending-emails"] = {
    "task": "brands.tasks.send_pending_emails",
    "schedule": timedelta(minutes=1),
    "options": {"expires": 60},
}
# === end Brands =================================================================================

# === For You (issue 27) =========================================================================
# Every two minutes: refresh the For You topic pools, move new reviews through their first-chance
# tiers, and rebuild the candidate lists of active people that are due (foryou/services.refresh,
# docs/foryou.md). Frequent so a new review reaches its first readers within minutes; cheap when
# nothing changed. Safe to overlap: a run takes a lock with an expiry and a second one skips.
FORYOU_REFRESH_INTERVAL = timedelta(seconds=env.int("FORYOU_REFRESH_INTERVAL_SECONDS", default=120))
CELERY_BEAT_SCHEDULE["foryou-refresh"] = {
    "task": "foryou.tasks.refresh",
    "schedule": FORYOU_REFRESH_INTERVAL,
    "options": {"expires": FORYOU_REFRESH_INTERVAL.total_seconds()},
}
# === end For You ================================================================================
