"""Settings shared by every environment; each value comes from the environment (see .env.example)."""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-local-only-key-do-not-use-in-production-5c1e8a")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "config.apps.GuardianConfig",  # django-guardian, per-object permissions, its names translated
    "simple_history",
    "config.apps.CeleryBeatConfig",  # django-celery-beat, with its one untranslatable field name translated
    "config.apps.AxesConfig",  # django-axes, login lockout (docs/hardening.md), named in zh-Hans in the admin
    "csp",
    "arbitration",
    "supervision",
    "legal",
]

MIDDLEWARE = [
    "config.db_router.ReplicaMiddleware",  # first: every later read of the request goes through its read state
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.RequestGuardMiddleware",  # after locale and auth: its error page speaks the user's language
    "django.contrib.messages.middleware.MessageMiddleware",
    "arbitration.middleware.QueueCountsMiddleware",  # after auth: it forgets the user's remembered counts
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: it turns a lockout into the lockout page
]

# Django's database sessions, read with one plain SELECT instead of an ORM query per request (config/sessions.py).
SESSION_ENGINE = "config.sessions"

# History is always read per record (its id), never by date across records: a date index on every history
# table would only slow the writes (each ticket imported writes two history rows).
SIMPLE_HISTORY_DATE_INDEX = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],  # before the apps: the admin frame (admin/base_site.html)
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "arbitration.context_processors.roles",
                "arbitration.context_processors.queue_counts",
                "supervision.context_processors.cockpit_links",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# DATABASE_URL picks the database; the embedded default is a SQLite file under var/.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mingze.sqlite3'}")}
SQLITE_OPTIONS = {
    # Writers queue for the lock instead of failing with "database is locked" (TECH.md).
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    # WAL + synchronous=NORMAL: ~32 k commits/s instead of ~490 (TECH.md).
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
SILENCED_SYSTEM_CHECKS: list[str] = []
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    # The ticket index's included columns serve PostgreSQL's index-only scans; SQLite keeps the key part only.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    # Server-side binding lets psycopg prepare a statement the second time a connection runs it: PostgreSQL then
    # skips parsing and planning, which halves its CPU for a vote (bench/bench_votes.py). Behind a pooler in
    # transaction mode (pgbouncer) prepared statements break: set PG_PREPARE=false there.
    if env.bool("PG_PREPARE", default=True):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options.update({"server_side_binding": True, "prepare_threshold": 1})
        # A prepared statement is planned for its parameters' values every time (docs/deployment.md, "Prepared
        # statements"). After five runs PostgreSQL may switch to a generic plan, made without the values; such a
        # plan cannot use a partial index whose condition names values the query passes as parameters (the open
        # tickets' `status IN (…)`), and a liaison's home then read every ticket's due time: 30 s at 10 M.
        options["options"] = f"{options.get('options', '')} -c plan_cache_mode=force_custom_plan".strip()
# DATABASE_REPLICA_URL adds a PostgreSQL streaming replica as the `replica` alias: requests read from it until they
# write (config.db_router; docs/spread.md, "Read replica"). Its connection options are the primary's.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db_url("DATABASE_REPLICA_URL"),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
    }
MINGZE_READ_REPLICA = "replica" if "replica" in DATABASES else None
# After a request writes, the same browser reads the primary this many seconds (longer than the replica's lag).
MINGZE_REPLICA_STICKY_SECONDS = env.int("MINGZE_REPLICA_STICKY_SECONDS", default=10)
DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "arbitration.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out user and address before the password
    # Django's ModelBackend, reading the signed-in user, their roles, departments and permissions in one statement
    # per request; sessions naming ModelBackend stay signed in (config/sessions.py, docs/deployment.md).
    "arbitration.auth_backend.UserBackend",
    "guardian.backends.ObjectPermissionBackend",
    "arbitration.oidc.IdentityPlatformBackend",  # answers nobody unless MINGZE_OIDC_ENABLED
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

# --- Single sign-on through the city's identity platform (OpenID Connect; docs/sign-in.md) ----------------
# Off by default: local passwords are the embedded default and stay available when it is on.
MINGZE_OIDC_ENABLED = env.bool("MINGZE_OIDC_ENABLED", default=False)
MINGZE_OIDC_CLIENT_ID = env("MINGZE_OIDC_CLIENT_ID", default="")
MINGZE_OIDC_CLIENT_SECRET = env("MINGZE_OIDC_CLIENT_SECRET", default="")
# The ID token's `iss` must equal this when it is set (the discovery document's "issuer").
MINGZE_OIDC_ISSUER = env("MINGZE_OIDC_ISSUER", default="")
# The provider's endpoints, as its discovery document (/.well-known/openid-configuration) lists them.
MINGZE_OIDC_AUTHORIZATION_ENDPOINT = env("MINGZE_OIDC_AUTHORIZATION_ENDPOINT", default="")
MINGZE_OIDC_TOKEN_ENDPOINT = env("MINGZE_OIDC_TOKEN_ENDPOINT", default="")
MINGZE_OIDC_USERINFO_ENDPOINT = env("MINGZE_OIDC_USERINFO_ENDPOINT", default="")
MINGZE_OIDC_JWKS_ENDPOINT = env("MINGZE_OIDC_JWKS_ENDPOINT", default="")
MINGZE_OIDC_SIGN_ALGO = env("MINGZE_OIDC_SIGN_ALGO", default="RS256")
MINGZE_OIDC_SCOPES = env("MINGZE_OIDC_SCOPES", default="openid profile")
# Which claims (ID token or userinfo) carry the login name, the full name, the department code(s), the role(s)
# (codes or names, a list or "|"-separated) and the phone.
MINGZE_OIDC_USERNAME_CLAIM = env("MINGZE_OIDC_USERNAME_CLAIM", default="preferred_username")
MINGZE_OIDC_NAME_CLAIM = env("MINGZE_OIDC_NAME_CLAIM", default="name")
MINGZE_OIDC_DEPARTMENT_CLAIM = env("MINGZE_OIDC_DEPARTMENT_CLAIM", default="department")
MINGZE_OIDC_ROLES_CLAIM = env("MINGZE_OIDC_ROLES_CLAIM", default="roles")
MINGZE_OIDC_PHONE_CLAIM = env("MINGZE_OIDC_PHONE_CLAIM", default="phone_number")
if MINGZE_OIDC_ENABLED and not all(
    (MINGZE_OIDC_CLIENT_ID, MINGZE_OIDC_AUTHORIZATION_ENDPOINT, MINGZE_OIDC_TOKEN_ENDPOINT, MINGZE_OIDC_JWKS_ENDPOINT)
):
    raise ImproperlyConfigured(
        "MINGZE_OIDC_ENABLED needs the client id and the authorization, token and JWKS endpoints"
    )
# mozilla-django-oidc reads its own names; they are set from the ones above, never directly.
OIDC_RP_CLIENT_ID = MINGZE_OIDC_CLIENT_ID
OIDC_RP_CLIENT_SECRET = MINGZE_OIDC_CLIENT_SECRET
OIDC_OP_AUTHORIZATION_ENDPOINT = MINGZE_OIDC_AUTHORIZATION_ENDPOINT
OIDC_OP_TOKEN_ENDPOINT = MINGZE_OIDC_TOKEN_ENDPOINT
OIDC_OP_USER_ENDPOINT = MINGZE_OIDC_USERINFO_ENDPOINT
OIDC_OP_JWKS_ENDPOINT = MINGZE_OIDC_JWKS_ENDPOINT
OIDC_RP_SIGN_ALGO = MINGZE_OIDC_SIGN_ALGO
OIDC_RP_SCOPES = MINGZE_OIDC_SCOPES

# --- Language and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.authentication.ApiKeyAuthentication",  # systems: hashed, scoped, expiring keys (docs/hardening.md)
        "config.authentication.TokenAuthentication",  # systems (the hotline platform)
        "rest_framework.authentication.SessionAuthentication",  # people
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "config.api.KeysetPagination",
    "DEFAULT_PARSER_CLASSES": [
        "config.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,  # the default `page_size` of every list (docs/scale.md)
    "EXCEPTION_HANDLER": "config.api.api_exception_handler",
    # Per token or key (a system, a signed-in person) and per address (anonymous): docs/hardening.md.
    "DEFAULT_THROTTLE_CLASSES": ["config.api.ClientRateThrottle"],
    # 0: the address is REMOTE_ADDR, never a client-supplied X-Forwarded-For (DRF trusts it whole when None).
    "NUM_PROXIES": env.int("MINGZE_PROXY_COUNT", default=0),  # reverse proxies in front of gunicorn
    "DEFAULT_THROTTLE_RATES": {
        "user": env("MINGZE_API_RATE_USER", default="6000/hour"),  # API requests per signed-in person or key
        "anon": env("MINGZE_API_RATE_ANON", default="120/hour"),  # API requests per address without sign-in
    },
}
# Lists (docs/scale.md): the largest `page_size` a client may ask for, and up to how many matching rows a list's
# count is exact (past it, PostgreSQL's estimate, marked `count_is_estimate`).
MINGZE_LIST_MAX_PAGE_SIZE = env.int("MINGZE_LIST_MAX_PAGE_SIZE", default=200)
MINGZE_LIST_EXACT_COUNT_LIMIT = env.int("MINGZE_LIST_EXACT_COUNT_LIMIT", default=10_000)
# How long a list's count and a person's navigation counts are remembered, in seconds; 0: counted on every page
# (docs/scale.md, "Remembered figures").
MINGZE_LIST_COUNT_SECONDS = env.int("MINGZE_LIST_COUNT_SECONDS", default=30)
MINGZE_QUEUE_COUNT_SECONDS = env.int("MINGZE_QUEUE_COUNT_SECONDS", default=60)
# Django's cache: each process's own memory by default; a shared one (e.g. redis://127.0.0.1:6379/2) lets every
# gunicorn worker use one remembered count and one throttle per client (docs/settings.md).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
SPECTACULAR_SETTINGS = {
    "TITLE": "明责 Mingze API",
    "DESCRIPTION": "Ticket intake, ownership arbitration, supervision and the legal desk of the 12345 hotline.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation lists the errors it can answer, with the error body (config/schema.py, docs/hardening.md).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.schema.error_responses"],
}

# Every choice set by an unambiguous schema name (AppClassEnum): fields named status, kind, tier… recur
# across apps, and drf-spectacular would otherwise invent names like "Status1fcEnum".
_SCHEMA_ENUMS = [
    "arbitration.choices.AgendaItemStatus",
    "arbitration.choices.AgendaOutcome",
    "arbitration.choices.AssignmentMethod",
    "arbitration.choices.AssignmentRole",
    "arbitration.choices.BounceOutcome",
    "arbitration.choices.CalendarDayKind",
    "arbitration.choices.Channel",
    "arbitration.choices.DepartmentKind",
    "arbitration.choices.DisputeStatus",
    "arbitration.choices.DisputeTrigger",
    "arbitration.choices.DutyRole",
    "arbitration.choices.DutySource",
    "arbitration.choices.RenderStatus",
    "arbitration.choices.RequestType",
    "arbitration.choices.Resolution",
    "arbitration.choices.Role",
    "arbitration.choices.RulingScope",
    "arbitration.choices.Satisfaction",
    "arbitration.choices.SessionStatus",
    "arbitration.choices.TerritoryLevel",
    "arbitration.choices.TicketEventKind",
    "arbitration.choices.TicketStatus",
    "arbitration.choices.TimeUnit",
    "supervision.choices.AnswerKind",
    "supervision.choices.AppealDecision",
    "supervision.choices.AppealStatus",
    "supervision.choices.CaseEventKind",
    "supervision.choices.CaseStatus",
    "supervision.choices.ExtensionDecision",
    "supervision.choices.LetterKind",
    "supervision.choices.LetterStatus",
    "supervision.choices.PeriodKind",
    "supervision.choices.PeriodStatus",
    "supervision.choices.ReferralStatus",
    "supervision.choices.ReferralTrigger",
    "supervision.choices.ReminderStatus",
    "supervision.choices.ScoreBasis",
    "supervision.choices.ScoreOutcome",
    "supervision.choices.ScoreRate",
    "supervision.choices.Tier",
    "supervision.choices.AlertStatus",
    "supervision.choices.AlertMethod",
    "supervision.choices.Trigger",
    "supervision.choices.TopicSource",
    "supervision.choices.TopicStatus",
    "arbitration.choices.ProposalAction",
    "arbitration.choices.ProposalOrigin",
    "arbitration.choices.ProposalStatus",
    "arbitration.choices.ReorganisationKind",
    "arbitration.choices.ReorganisationStatus",
    "legal.choices.BodyKind",
    "legal.choices.CaseOrigin",
    "legal.choices.CaseStatus",
    "legal.choices.DomainTier",
    "legal.choices.FeedbackKind",
    "legal.choices.HandoffStatus",
    "legal.choices.LeadBasis",
    "legal.choices.LeadStatus",
    "legal.choices.LegalRoute",
    "legal.choices.ReadChannel",
    "legal.choices.ScreeningTrigger",
]
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    f"{path.split('.')[0].title()}{path.rsplit('.', 1)[1]}Enum": path for path in _SCHEMA_ENUMS
}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["DispatchMethodEnum"] = (
    "arbitration.services.dispatch.DISPATCHER_METHOD_CHOICES"
)

# --- Background work ------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
# The embedded default runs tasks in-process, so nothing extra has to start (TECH.md).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {}
# Work spread over the workers by partition (arbitration.spread; docs/spread.md): the kinds, how many partitions a
# run is cut into (more than the workers, so a slow partition does not hold the others up), and after how long an
# unfinished run's missing partitions are queued again.
MINGZE_SPREAD_KINDS = {
    "sweep": "supervision.spread.SWEEP",
    "screening": "supervision.spread.SCREENING",
    "rollups": "supervision.spread.ROLLUPS",
    "documents": "arbitration.documents.spread.DOCUMENTS",
}
MINGZE_SPREAD_PARTITIONS = env.int("MINGZE_SPREAD_PARTITIONS", default=8)
MINGZE_SPREAD_RESUME_MINUTES = env.int("MINGZE_SPREAD_RESUME_MINUTES", default=30)
CELERY_BEAT_SCHEDULE["spread-runs-resume"] = {"task": "arbitration.spread.spread_runs_resume_task", "schedule": 5 * 60}

# --- Guardian -------------------------------------------------------------------------------------
ANONYMOUS_USER_NAME = None  # no anonymous object permissions
GUARDIAN_RAISE_403 = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Mingze (local rules: docs/domain.md marks these as configuration) --------------------------------
# Office hours of the working calendar; a day period ends at office closing (Civil Code art. 203).
MINGZE_OFFICE_HOURS = (env("MINGZE_OFFICE_OPENS", default="09:00"), env("MINGZE_OFFICE_CLOSES", default="17:30"))
# Roles allowed to see citizens' names and phone numbers unmasked (see arbitration.access).
MINGZE_PERSONAL_DATA_ROLES = env.list("MINGZE_PERSONAL_DATA_ROLES", default=["dispatcher", "administrator"])
# Which of a ticket's current assignments let their departments' liaisons see it unmasked (lead, co_handler,
# copied); by default only the handling (lead) department's (docs/personal-data.md).
MINGZE_PERSONAL_DATA_ASSIGNMENT_ROLES = env.list("MINGZE_PERSONAL_DATA_ASSIGNMENT_ROLES", default=["lead"])
if not set(MINGZE_PERSONAL_DATA_ASSIGNMENT_ROLES) <= {"lead", "co_handler", "copied"}:
    raise ImproperlyConfigured("MINGZE_PERSONAL_DATA_ASSIGNMENT_ROLES takes lead, co_handler and copied only")
# Ticket lists mark a ticket "due soon" this many hours before its due time.
# Dates and times every input (import, API, form) must fall within, by year (docs/hardening.md).
MINGZE_INPUT_YEARS = tuple(env.list("MINGZE_INPUT_YEARS", cast=int, default=[1990, 2100]))
if len(MINGZE_INPUT_YEARS) != 2 or MINGZE_INPUT_YEARS[0] > MINGZE_INPUT_YEARS[1]:
    raise ImproperlyConfigured("MINGZE_INPUT_YEARS takes two years, the first no later than the second")
# Request bodies past these sizes are refused with 413 before any view reads them (docs/hardening.md); the
# largest legitimate body is an upload (MINGZE_VERIFY_UPLOAD_MAX_MB, MINGZE_SCORE_APPEAL_ATTACHMENT_MAX_MB).
MINGZE_MAX_REQUEST_BYTES = env.int("MINGZE_MAX_REQUEST_BYTES", default=25 * 1024 * 1024)
MINGZE_API_MAX_JSON_BYTES = env.int("MINGZE_API_MAX_JSON_BYTES", default=1024 * 1024)
# --- Abuse and browsers (docs/hardening.md) --------------------------------------------------------
# Login lockout: after this many failures for one user name from one address, that pair waits out the cool-off.
AXES_FAILURE_LIMIT = env.int("MINGZE_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("MINGZE_LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False  # no banner on every manage.py command
AXES_IPWARE_PROXY_COUNT = env.int("MINGZE_PROXY_COUNT", default=0)  # reverse proxies in front of gunicorn
# The schema (/api/schema/) and its docs (/api/docs/) are for signed-in people and API keys unless published.
MINGZE_API_SCHEMA_PUBLIC = env.bool("MINGZE_API_SCHEMA_PUBLIC", default=False)
# Content-Security-Policy: no inline script or style anywhere (pages keep theirs in static files).
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
    },
}
# What `check --deploy` does not cover (SecurityHeadersMiddleware; REFERRER_POLICY is Django's own setting).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
MINGZE_PERMISSIONS_POLICY = env(
    "MINGZE_PERMISSIONS_POLICY",
    default="camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
)
# API keys of systems (docs/hardening.md): default lifetime, and how long a rotated key keeps working.
MINGZE_API_KEY_DAYS = env.int("MINGZE_API_KEY_DAYS", default=365)
MINGZE_API_KEY_ROTATION_GRACE_HOURS = env.int("MINGZE_API_KEY_ROTATION_GRACE_HOURS", default=72)
# Free text without a column limit (content, reasons, statements) is refused past this many characters.
MINGZE_LONG_TEXT_MAX_LENGTH = env.int("MINGZE_LONG_TEXT_MAX_LENGTH", default=20000)
MINGZE_DUE_SOON_HOURS = env.int("MINGZE_DUE_SOON_HOURS", default=24)
# Rows each section of a home queue shows before linking to its whole list (docs/homes.md).
MINGZE_QUEUE_ROWS = env.int("MINGZE_QUEUE_ROWS", default=10)

# --- Official documents (GB/T 9704): issuer codes of 文号 per document kind, issuer name -------------
# Numbers are gapless per issuer code, kind and year (arbitration.documents.numbering); one code per kind
# keeps every number distinct across kinds. Override one with MINGZE_DOCUMENT_ISSUERS="warning=明责警,…".
MINGZE_DOCUMENT_ISSUERS = {
    "ruling": "明责认",  # 认定书 of the joint conference
    "leader_decision": "明责签",  # 领导签批
    "agreement": "明责协",  # 协商纪要 of a negotiation that ended in agreement
    "reminder": "明责催",  # 催办通知书
    "escalation": "明责督",  # 督办函
    "warning": "明责警",  # 预警函
    "interview": "明责谈",  # 约谈通知
    "referral": "明责移",  # 移送函 to the discipline commission
    "legal_handoff": "明责法",  # the legal desk's hand-off letter
    "procuratorate_referral": "明责公",  # public-interest lead to the procuratorate
    "bulletin": "明责通",  # 考核通报: the published scorecards of a month or quarter
    "dossier": "明责卷",  # 移送卷宗: the dossier sent to the discipline commission with the referral
    "topic_report": "明责题",  # 每月一题结题报告: the closing report of a monthly topic
    "surge_bulletin": "明责预",  # 风险预警参阅件 of a surge alert (docs/alerts.md)
    "daily_report": "明责报",  # 工作日报 to the city's leaders
} | env.dict("MINGZE_DOCUMENT_ISSUERS", default={})
MINGZE_ISSUER_NAME = env("MINGZE_ISSUER_NAME", default="明州市12345政务服务便民热线管理办公室")
# The office's licensed 公文 fonts, one file per role (TrueType outlines: .ttf, .ttc, or a TrueType-flavoured
# .otf), with the face index inside a .ttc. Empty: the free Debian stand-ins (docs/layout.md). A file that cannot
# be used falls back with a warning in the log and in `manage.py check`.
MINGZE_FONT_TITLE = env("MINGZE_FONT_TITLE", default="")  # 小标宋: issuer marks and titles
MINGZE_FONT_TITLE_INDEX = env.int("MINGZE_FONT_TITLE_INDEX", default=0)
MINGZE_FONT_BODY = env("MINGZE_FONT_BODY", default="")  # 仿宋: body text
MINGZE_FONT_BODY_INDEX = env.int("MINGZE_FONT_BODY_INDEX", default=0)
MINGZE_FONT_HEI = env("MINGZE_FONT_HEI", default="")  # 黑体: "一、" headings, attendance labels
MINGZE_FONT_HEI_INDEX = env.int("MINGZE_FONT_HEI_INDEX", default=0)
MINGZE_FONT_KAI = env("MINGZE_FONT_KAI", default="")  # 楷体: "（一）" headings
MINGZE_FONT_KAI_INDEX = env.int("MINGZE_FONT_KAI_INDEX", default=0)
# A PDF that failed to render is retried by `render_pending_documents` until this many attempts.
MINGZE_DOCUMENT_RENDER_MAX_ATTEMPTS = env.int("MINGZE_DOCUMENT_RENDER_MAX_ATTEMPTS", default=10)

# Verification of issued documents (docs/documents.md): the HMAC key behind the codes, the address the QR code
# points to, and the centre's signing certificate and key (PEM files; unset: documents are issued unsigned).
# An empty key is derived from SECRET_KEY when used (production sets SECRET_KEY after this file).
MINGZE_VERIFICATION_KEY = env("MINGZE_VERIFICATION_KEY", default="")
MINGZE_PUBLIC_BASE_URL = env("MINGZE_PUBLIC_BASE_URL", default="http://localhost:8000")
MINGZE_VERIFY_UPLOAD_MAX_MB = env.int("MINGZE_VERIFY_UPLOAD_MAX_MB", default=20)
# seed_demo and signing_demo_certificate write a self-signed demo certificate here; when it exists, it is the default.
MINGZE_SIGNING_DEMO_DIR = VAR_DIR / "signing"
_DEMO_SIGNING_CERT, _DEMO_SIGNING_KEY = (
    MINGZE_SIGNING_DEMO_DIR / "demo-cert.pem",
    MINGZE_SIGNING_DEMO_DIR / "demo-key.pem",
)
_demo_signing = _DEMO_SIGNING_CERT.exists() and _DEMO_SIGNING_KEY.exists()
MINGZE_SIGNING_CERT = env("MINGZE_SIGNING_CERT", default=str(_DEMO_SIGNING_CERT) if _demo_signing else "")
MINGZE_SIGNING_KEY = env("MINGZE_SIGNING_KEY", default=str(_DEMO_SIGNING_KEY) if _demo_signing else "")
MINGZE_SIGNING_KEY_PASSPHRASE = env("MINGZE_SIGNING_KEY_PASSPHRASE", default="")
CELERY_BEAT_SCHEDULE["documents-render-pending"] = {
    "task": "arbitration.documents.tasks.documents_render_pending_task",
    "schedule": 10 * 60,  # seconds; a stored PDF is never rendered again, so overlapping runs are harmless
}

# --- Audit trail (docs/audit.md) ------------------------------------------------------------------
# Chain the audit rows a transaction wrote right after its commit (the beat task below catches the rest).
MINGZE_AUDIT_CHAIN_ON_COMMIT = env.bool("MINGZE_AUDIT_CHAIN_ON_COMMIT", default=True)
# Seconds between an ordinary commit and the chaining it asks for: the commits of a burst share one run after it.
MINGZE_AUDIT_CHAIN_DELAY = env.float("MINGZE_AUDIT_CHAIN_DELAY", default=2.0)
# Who the nightly verifier mails when a link is broken (comma-separated addresses).
ADMINS = [("Mingze", address) for address in env.list("MINGZE_ADMINS", default=[])]
CELERY_BEAT_SCHEDULE["audit-chain"] = {"task": "arbitration.audit.tasks.audit_chain_task", "schedule": 60}
CELERY_BEAT_SCHEDULE["audit-seal"] = {
    "task": "arbitration.audit.tasks.audit_seal_task",
    "schedule": crontab(hour=0, minute=10),  # yesterday is over; the chainer runs first inside the task
}
CELERY_BEAT_SCHEDULE["audit-verify"] = {
    "task": "arbitration.audit.tasks.audit_verify_task",
    "schedule": crontab(hour=1, minute=30),  # after the seal; mails ADMINS when a link is broken
}

# --- Arbitration: bounces and conference ----------------------------------------------------------
# A department may bounce an assignment within this many working days of dispatch (Shandong: 2).
MINGZE_BOUNCE_WINDOW_WORKING_DAYS = env.int("MINGZE_BOUNCE_WINDOW_WORKING_DAYS", default=2)
# A ticket with this many bounces becomes a dispute (A → B → A opens one regardless).
MINGZE_DISPUTE_BOUNCE_THRESHOLD = env.int("MINGZE_DISPUTE_BOUNCE_THRESHOLD", default=2)
# Working days the parties have to negotiate before the dispute goes on the conference agenda.
MINGZE_DISPUTE_NEGOTIATION_WORKING_DAYS = env.int("MINGZE_DISPUTE_NEGOTIATION_WORKING_DAYS", default=5)
# Quorum: share of non-recused seats that must vote; majority: a lead needs MORE than this share of votes cast.
MINGZE_CONFERENCE_QUORUM = env("MINGZE_CONFERENCE_QUORUM", default="2/3")
MINGZE_CONFERENCE_MAJORITY = env("MINGZE_CONFERENCE_MAJORITY", default="1/2")
# Where the local rules give the chair a casting vote (决定票), a tie is broken by it; otherwise a city leader decides.
MINGZE_CONFERENCE_CASTING_VOTE = env.bool("MINGZE_CONFERENCE_CASTING_VOTE", default=False)
# Issuers named on rulings (the conference's minutes) and leader decisions; the codes are MINGZE_DOCUMENT_ISSUERS.
MINGZE_CONFERENCE_ISSUER_NAME = env("MINGZE_CONFERENCE_ISSUER_NAME", default="明州市12345热线职责争议联席会议")
CELERY_BEAT_SCHEDULE["arbitration-disputes-put-overdue-on-agenda"] = {
    "task": "arbitration.tasks.disputes_put_overdue_on_agenda_task",
    "schedule": 15 * 60,  # seconds; idempotent, so a missed or doubled run does no harm
}
CELERY_BEAT_SCHEDULE["arbitration-decision-backlogs"] = {
    "task": "arbitration.tasks.decision_backlogs_apply_pending_task",
    "schedule": 10 * 60,  # seconds; behind the task each decision queues on commit; a ticket is moved once
}
CELERY_BEAT_SCHEDULE["arbitration-reorganisations-due"] = {
    "task": "arbitration.tasks.reorganisations_carry_out_due_task",
    "schedule": 15 * 60,  # seconds; a reorganisation is carried out once, from its effective moment
}

# --- Dispatch methods, verification, second dispatch (docs/dispatch.md) -------------------------------------------
# Time-limit tier codes whose tickets count as handled only once the centre has verified the reply (核验).
MINGZE_VERIFICATION_TIERS = env.list("MINGZE_VERIFICATION_TIERS", default=[])
# The unsatisfied return visit that opens a consultation (会商) as a dispute: the third by default.
MINGZE_CONSULTATION_UNSATISFIED_ROUNDS = env.int("MINGZE_CONSULTATION_UNSATISFIED_ROUNDS", default=3)

# --- Supervision: sweep, ladder, letters, scorecards, referrals (docs/domain.md §3, §5) ---------------
# Yellow card this many working days before the limit (red card once it has passed).
MINGZE_SUPERVISION_NEAR_DUE_WORKING_DAYS = env.int("MINGZE_SUPERVISION_NEAR_DUE_WORKING_DAYS", default=1)
# Repeated requests: this many tickets of the same matter at the same place, or from the same caller, within the window.
MINGZE_SUPERVISION_REPEAT_THRESHOLD = env.int("MINGZE_SUPERVISION_REPEAT_THRESHOLD", default=3)
MINGZE_SUPERVISION_REPEAT_WINDOW_DAYS = env.int("MINGZE_SUPERVISION_REPEAT_WINDOW_DAYS", default=30)
# Unreasonable bounces (rejected on review): this many by one department within the period opens a case.
MINGZE_SUPERVISION_UNREASONABLE_BOUNCES = env.int("MINGZE_SUPERVISION_UNREASONABLE_BOUNCES", default=3)
MINGZE_SUPERVISION_UNREASONABLE_BOUNCE_DAYS = env.int("MINGZE_SUPERVISION_UNREASONABLE_BOUNCE_DAYS", default=30)
# A letter's response is due this many working days after it is issued.
MINGZE_SUPERVISION_LETTER_RESPONSE_WORKING_DAYS = env.int("MINGZE_SUPERVISION_LETTER_RESPONSE_WORKING_DAYS", default=5)
# Letters take their issuer codes (文号) from MINGZE_DOCUMENT_ISSUERS; this is the issuer printed on them.
MINGZE_SUPERVISION_ISSUER_NAME = env("MINGZE_SUPERVISION_ISSUER_NAME", default="明州市12345政务服务便民热线管理办公室")
MINGZE_DISCIPLINE_COMMISSION_NAME = env("MINGZE_DISCIPLINE_COMMISSION_NAME", default="明州市纪委监委")
# Service index weights: on-time response, on-time completion, timely feedback, satisfaction (Huzhou: 15/15/10/60).
MINGZE_SCORE_WEIGHTS = env.list("MINGZE_SCORE_WEIGHTS", cast=int, default=[15, 15, 10, 60])
# The last this-many of each comparable group get a drafted warning letter; an index below the bar, an interview.
MINGZE_SCORE_BOTTOM_COUNT = env.int("MINGZE_SCORE_BOTTOM_COUNT", default=3)
MINGZE_SCORE_INTERVIEW_BELOW = env.int("MINGZE_SCORE_INTERVIEW_BELOW", default=80)
# Timely feedback: the reply must reach the citizen within this limit after the ticket is handled (docs/scorecards.md).
# Units: working_days, calendar_days or natural_hours (working hours are refused: see supervision.services.score_rules).
MINGZE_SCORE_FEEDBACK_AMOUNT = env.int("MINGZE_SCORE_FEEDBACK_AMOUNT", default=1)
MINGZE_SCORE_FEEDBACK_UNIT = env("MINGZE_SCORE_FEEDBACK_UNIT", default="working_days")
# A draft period's scorecards may be appealed until office closing on this many working days after it is first computed.
MINGZE_SCORE_APPEAL_WORKING_DAYS = env.int("MINGZE_SCORE_APPEAL_WORKING_DAYS", default=5)
# An appeal's evidence: one file, at most this many megabytes, of one of these types.
MINGZE_SCORE_APPEAL_ATTACHMENT_MAX_MB = env.int("MINGZE_SCORE_APPEAL_ATTACHMENT_MAX_MB", default=10)
MINGZE_SCORE_APPEAL_ATTACHMENT_TYPES = env.list(
    "MINGZE_SCORE_APPEAL_ATTACHMENT_TYPES", default=["pdf", "ofd", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx"]
)
# Addressee of the monthly bulletin (通报).
MINGZE_SCORE_BULLETIN_ADDRESSEE = env("MINGZE_SCORE_BULLETIN_ADDRESSEE", default="各承办单位")
# Monthly topics (docs/topics.md): tickets received this many days before approval join a topic and are its
# "before" figures; the lead department reports progress every this-many working days; the closing report goes to.
MINGZE_TOPIC_LOOKBACK_DAYS = env.int("MINGZE_TOPIC_LOOKBACK_DAYS", default=56)
MINGZE_TOPIC_REPORT_WORKING_DAYS = env.int("MINGZE_TOPIC_REPORT_WORKING_DAYS", default=10)
MINGZE_TOPIC_REPORT_ADDRESSEE = env("MINGZE_TOPIC_REPORT_ADDRESSEE", default="市人民政府")
# Discipline referral rules: ping-pong (bounces, by departments), repeated with unsatisfied follow-ups.
MINGZE_REFERRAL_PING_PONG_BOUNCES = env.int("MINGZE_REFERRAL_PING_PONG_BOUNCES", default=4)
MINGZE_REFERRAL_PING_PONG_DEPARTMENTS = env.int("MINGZE_REFERRAL_PING_PONG_DEPARTMENTS", default=3)
MINGZE_REFERRAL_REPEATED_UNSATISFIED = env.int("MINGZE_REFERRAL_REPEATED_UNSATISFIED", default=3)
# A rule proposes a referral only once key supervision has failed to move the case, except the rules listed here
# (codes of supervision.choices.ReferralTrigger; default: refusing a ruling or a leader decision).
MINGZE_REFERRAL_RULES_SKIPPING_KEY = env.list("MINGZE_REFERRAL_RULES_SKIPPING_KEY", default=["refusal"])
# Referrals sent per year that the city aims for (one seed city: 20 "repeatedly unresolved" cases a year).
MINGZE_REFERRAL_YEARLY_TARGET = env.int("MINGZE_REFERRAL_YEARLY_TARGET", default=20)
CELERY_BEAT_SCHEDULE["supervision-sweep"] = {
    "task": "supervision.tasks.supervision_sweep_task",
    "schedule": 10 * 60,  # seconds; the sweep is idempotent and safe to run twice at once
}
CELERY_BEAT_SCHEDULE["supervision-scorecards"] = {
    "task": "supervision.tasks.scorecards_compute_last_month_task",
    # Recomputes last month's (and quarter's) draft with the facts that arrived since; a published period is left
    # alone, so running it often is harmless.
    "schedule": 6 * 60 * 60,
}

# --- Cockpit (docs/cockpit.md) ------------------------------------------------------------------------
# Roles that open the cockpit (arbitration.choices.Role codes): city leaders and the centre's supervisors.
MINGZE_COCKPIT_ROLES = env.list("MINGZE_COCKPIT_ROLES", default=["city_leader", "supervisor"])
# Days the nightly task recounts; after-commit recounts keep them current in between.
MINGZE_ROLLUP_REPAIR_DAYS = env.int("MINGZE_ROLLUP_REPAIR_DAYS", default=7)
# Bounded search for rings in the dispute network: the longest ring looked for, and how many are listed.
MINGZE_NETWORK_RING_MAX_LENGTH = env.int("MINGZE_NETWORK_RING_MAX_LENGTH", default=5)
MINGZE_NETWORK_RING_LIMIT = env.int("MINGZE_NETWORK_RING_LIMIT", default=50)
CELERY_BEAT_SCHEDULE["supervision-catalogue-health"] = {
    "task": "supervision.tasks.catalogue_health_record_task",
    "schedule": crontab(hour=2, minute=30),  # one row a day; a second run the same day replaces it
}
# The daily work report (工作日报): whom it is addressed to and copied to (docs/cockpit.md, "Reports").
MINGZE_DAILY_REPORT_ADDRESSEE = env("MINGZE_DAILY_REPORT_ADDRESSEE", default="市政府领导")
MINGZE_DAILY_REPORT_CC = env.list("MINGZE_DAILY_REPORT_CC", default=["市纪委监委"])
# Roles that read the report register (daily reports and bulletins): leaders, supervisors, the discipline liaison.
MINGZE_REPORT_ROLES = env.list(
    "MINGZE_REPORT_ROLES", default=["city_leader", "supervisor", "discipline_liaison", "administrator"]
)
CELERY_BEAT_SCHEDULE["supervision-daily-report"] = {
    "task": "supervision.tasks.daily_report_issue_task",
    "schedule": crontab(hour=7, minute=30),  # yesterday, after the nightly recount; once per day whatever happens
}
CELERY_BEAT_SCHEDULE["supervision-monthly-report"] = {
    "task": "supervision.tasks.monthly_report_issue_task",
    # The month just ended, after the nightly recount of its last days; once per month whatever happens.
    "schedule": crontab(hour=8, minute=0, day_of_month=1),
}
CELERY_BEAT_SCHEDULE["supervision-rollups"] = {
    "task": "supervision.tasks.rollups_rebuild_recent_task",
    "schedule": crontab(hour=2, minute=0),  # an exact recount: overlapping or doubled runs give the same rows
}

# --- Legal desk -----------------------------------------------------------------------------------
# Public-interest leads go to the procuratorate at the same level as the hotline (docs/domain.md §6).
MINGZE_PROCURATORATE_NAME = env("MINGZE_PROCURATORATE_NAME", default="明州市人民检察院")
# Screening: this many complaints about one place or party within this many days make a cluster lead.
MINGZE_LEAD_CLUSTER_MIN = env.int("MINGZE_LEAD_CLUSTER_MIN", default=3)
MINGZE_LEAD_CLUSTER_WINDOW_DAYS = env.int("MINGZE_LEAD_CLUSTER_WINDOW_DAYS", default=30)
# A party name held by more tickets than this in one screening is a kind of place ("建筑工地"), not one party:
# it does not join tickets into a cluster (their address still does).
MINGZE_LEAD_PARTY_MAX_TICKETS = env.int("MINGZE_LEAD_PARTY_MAX_TICKETS", default=60)
CELERY_BEAT_SCHEDULE["legal-screen-leads"] = {
    "task": "legal.tasks.screen_leads_last_month_task",
    # Monthly, on the 1st at 02:00: screening is idempotent (a ticket already in a lead is not proposed again).
    "schedule": crontab(minute=0, hour=2, day_of_month=1),
}
MINGZE_LEADER_ISSUER_NAME = env("MINGZE_LEADER_ISSUER_NAME", default="明州市人民政府")

# --- Surge alerts (诉求增长异常预警, docs/alerts.md) -----------------------------------------------------
# The detector's parameters (supervision.alerts.params.DetectionParams; each explained in docs/alerts.md).
MINGZE_ALERT_DETECTION = {
    "alpha": env.float("MINGZE_ALERT_ALPHA", default=0.0002),
    "screen_alpha": env.float("MINGZE_ALERT_SCREEN_ALPHA", default=0.01),
    "years_back": env.int("MINGZE_ALERT_YEARS_BACK", default=2),
    "window_days": env.int("MINGZE_ALERT_WINDOW_DAYS", default=28),
    "recent_days": env.int("MINGZE_ALERT_RECENT_DAYS", default=56),
    "guard_days": env.int("MINGZE_ALERT_GUARD_DAYS", default=7),
    "reweight_above": env.float("MINGZE_ALERT_REWEIGHT_ABOVE", default=2.58),
    "min_count": env.int("MINGZE_ALERT_MIN_COUNT", default=5),
    "ears_threshold": env.float("MINGZE_ALERT_EARS_THRESHOLD", default=3.0),
    "ears_c3_threshold": env.float("MINGZE_ALERT_EARS_C3_THRESHOLD", default=3.0),
    "ears_min_days": env.int("MINGZE_ALERT_EARS_MIN_DAYS", default=10),
}
# Watched series: each matter in the territories of this level (2 = districts; tickets count for the district above
# their place), and each matter city-wide. A series needs this many days of history for EARS, a year for the GLM.
MINGZE_ALERT_TERRITORY_LEVEL = env.int("MINGZE_ALERT_TERRITORY_LEVEL", default=2)
MINGZE_ALERT_WATCH_CITY = env.bool("MINGZE_ALERT_WATCH_CITY", default=True)
# An alert not acknowledged within this many working days after it was raised feeds the supervision sweep.
MINGZE_ALERT_ACKNOWLEDGE_WORKING_DAYS = env.int("MINGZE_ALERT_ACKNOWLEDGE_WORKING_DAYS", default=2)
# Where the risk bulletin (风险预警参阅件) is copied besides the owning department.
MINGZE_ALERT_BULLETIN_CC = env.list("MINGZE_ALERT_BULLETIN_CC", default=["市12345政务服务便民热线服务中心"])
# Detection issues each raised alert's numbered risk bulletin (风险预警参阅件) at once; off, a supervisor issues it.
MINGZE_ALERT_BULLETIN_ON_RAISE = env.bool("MINGZE_ALERT_BULLETIN_ON_RAISE", default=True)
CELERY_BEAT_SCHEDULE["supervision-detect-surges"] = {
    "task": "supervision.tasks.surges_detect_task",
    "schedule": crontab(hour=1, minute=30),
}
