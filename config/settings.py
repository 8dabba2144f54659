"""Settings for every environment, read from environment variables in one place.

With no variables at all this is the embedded setup of DESIGN.md: SQLite and an
in-process cache. ``DATABASE_URL``, ``DATABASE_REPLICA_URLS`` and ``REDIS_URL``
turn it into the full one, unchanged code.
"""

from datetime import timedelta
from pathlib import Path

from corsheaders.defaults import default_headers
from django.core.exceptions import ImproperlyConfigured

from config.environment import (
    database_from_url,
    development_secret_key,
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_str,
    env_time_zone,
    redis_database_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is not True: set it to a "
            "long random string (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    # Never a constant: a random key made on first use, kept in a git-ignored file.
    SECRET_KEY = development_secret_key(BASE_DIR / ".dev-secret-key")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_prometheus",
    "config",
    # The project's apps, in dependency order: `seed` runs their seeders in this order.
    "users",
    "authentication",
    "social",
    "orders",
    "records",
]

MIDDLEWARE = [
    # First: the latency it measures covers every other middleware.
    "config.metrics.RequestMetricsMiddleware",
    "config.request_logging.RequestLoggingMiddleware",
    # Before anything that can answer on its own, so a preflight gets its headers.
    "corsheaders.middleware.CorsMiddleware",
    "config.time_zones.AdminTimeZoneMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.database_router.PrimaryPinMiddleware",
    # Sessions, session login and messages serve the admin and the docs pages only:
    # API clients send bearer tokens (config/browser_middleware.py). CSRF stays whole:
    # API views are exempt from it, which costs the API next to nothing.
    "config.browser_middleware.BrowserSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "config.browser_middleware.BrowserAuthenticationMiddleware",
    "config.browser_middleware.BrowserMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a locked-out admin login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# Databases: one primary for every write, any number of read replicas.
# A replica replays the primary's ACCESS EXCLUSIVE locks (a migration, VACUUM truncating
# a table) and holds them until it replays their commit, late when it lags: a read that
# waits this long for one fails there and is answered from the primary instead.
DATABASE_REPLICA_LOCK_TIMEOUT_MS = env_int("DATABASE_REPLICA_LOCK_TIMEOUT_MS", 1000)
DATABASES = {
    "default": database_from_url(env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")),
}
for index, replica_url in enumerate(env_list("DATABASE_REPLICA_URLS")):
    replica = database_from_url(replica_url)
    replica["OPTIONS"].setdefault("options", f"-c lock_timeout={DATABASE_REPLICA_LOCK_TIMEOUT_MS}")
    DATABASES[f"replica_{index}"] = {
        **replica,
        # Replicas hold the primary's data: tests and migrations never create them.
        "TEST": {"MIRROR": "default"},
        # The router checks a replica's kept-alive connection when it picks it
        # (config/database_router.py): Django need not check it again.
        "CONN_HEALTH_CHECKS": False,
    }
# Connection pooling (README, "Connection pooling"): Django's psycopg pool in each
# process, or PgBouncer in transaction mode in front of PostgreSQL, or both.
DATABASE_POOL = env_bool("DATABASE_POOL", default=False)
DATABASE_PGBOUNCER = env_bool("DATABASE_PGBOUNCER", default=False)
for database in DATABASES.values():
    if database["ENGINE"] == "django.db.backends.postgresql":
        if DATABASE_POOL:
            # The pool keeps the connections; Django refuses CONN_MAX_AGE with it.
            database["CONN_MAX_AGE"] = 0
            database["OPTIONS"]["pool"] = {
                "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
                "max_size": env_int("DATABASE_POOL_MAX_SIZE", 4),
                # Waiting for a connection, or for a server to answer: a replica that
                # is down must be given up quickly (the router then reads elsewhere).
                "timeout": env_int("DATABASE_POOL_TIMEOUT", 5),
            }
        else:
            database["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
        if DATABASE_PGBOUNCER:
            # Transaction pooling gives each transaction whichever server connection is
            # free: a cursor kept open across transactions (.iterator()) would be lost.
            database["DISABLE_SERVER_SIDE_CURSORS"] = True
        # Planner settings for an API of many small queries at once (every list query
        # at 1M posts timed with and without each: none is faster with them):
        # - Memoize caches a nested loop's inner rows in a hash table sized by the
        #   planner's estimate of the outer rows, LIMIT ignored: a feed page of 11
        #   posts built one for the 100k authors, 3.5 ms of the 4 ms its query took;
        # - parallel workers: the planner chose a parallel sequential scan of the
        #   timelines (300k rows, 12 ms) over an index scan of a reader's 1,000
        #   entries (0.2 ms), and on a loaded server each worker takes a core from
        #   another request.
        # And the session's time zone: Django sets it with a statement on every new
        # connection whose server reports another name for UTC ('Etc/UTC', initdb's
        # default on most Linux hosts): a statement more per connection, every
        # DATABASE_CONN_MAX_AGE seconds per process.
        # PgBouncer refuses startup options: behind it, set them on the role (README,
        # "Connection pooling").
        if not (DATABASE_PGBOUNCER and database is DATABASES["default"]):
            options = database["OPTIONS"].get("options", "")
            database["OPTIONS"]["options"] = (
                f"{options} -c TimeZone=UTC -c enable_memoize=off"
                " -c max_parallel_workers_per_gather=0"
            ).lstrip()
        # A persistent connection to a server that went away is noticed at the
        # start of the next request instead of failing its first query.
        database.setdefault("CONN_HEALTH_CHECKS", True)
        database["OPTIONS"].setdefault("connect_timeout", 2)
    elif database["ENGINE"] == "django.db.backends.sqlite3":
        # Embedded setup: a transaction takes SQLite's write lock when it begins and waits
        # for it. A deferred one that reads first (the daily post limit) fails at once
        # with "database is locked" when another request writes: a 500.
        database["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    # django-prometheus' wrappers of the same backends count queries per alias, so a
    # dashboard shows how much of the reading the replicas take; PostgreSQL's checks a
    # kept connection without a query (config/database_backend).
    database["ENGINE"] = {
        "django.db.backends.postgresql": "config.database_backend",
        "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
    }[database["ENGINE"]]

DATABASE_ROUTERS = ["config.database_router.PrimaryReplicaRouter"]
# After a client writes, its reads go to the primary for this long: longer than the
# replicas ever lag, so a client always reads its own writes.
DATABASE_PIN_SECONDS = env_int("DATABASE_PIN_SECONDS", 10)
# A replica that refused a connection is left alone for this long.
DATABASE_REPLICA_RETRY_SECONDS = env_int("DATABASE_REPLICA_RETRY_SECONDS", 30)

# The following feed of a reader who follows at least this many accounts is read from
# a timeline kept at write time (social/timelines.py), its newest FEED_TIMELINE_LENGTH
# posts; everyone else's is merged from the followed accounts' posts at read time.
FEED_TIMELINE_MIN_FOLLOWS = env_int("FEED_TIMELINE_MIN_FOLLOWS", 200)
FEED_TIMELINE_LENGTH = env_int("FEED_TIMELINE_LENGTH", 1000)

# /metrics answers these addresses or networks only (the scraper's), 404 to others.
METRICS_ALLOWED_IPS = env_networks("METRICS_ALLOWED_IPS", "127.0.0.0/8,::1")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "users.User"

# The admin's login form: django-axes refuses a username and client IP pair after
# ADMIN_LOGIN_FAILURE_LIMIT failures, for ADMIN_LOGIN_COOLOFF_MINUTES (config/admin_login.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ONLY_ADMIN_SITE = True
AXES_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ADMIN_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.admin_login.admin_client_ip"
AXES_LOCKOUT_CALLABLE = "config.admin_login.admin_lockout_response"
AXES_VERBOSE = False

# Cache: Redis when configured; an outage degrades to the database, never a failure.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis, counting hits and misses (django-prometheus).
            "BACKEND": "django_prometheus.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "config.metrics.LocMemCache"}}
# Throttle counters in a store of their own, which the URL-keyed menu entries can never
# evict: another Redis database (or THROTTLE_REDIS_URL; its server must not evict keys),
# or an in-process cache of their own. An outage is raised, not swallowed: login and
# reset refuse (503) rather than go unlimited.
THROTTLE_REDIS_URL = env_str("THROTTLE_REDIS_URL", redis_database_url(REDIS_URL, 1))
if THROTTLE_REDIS_URL:
    CACHES["throttles"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": THROTTLE_REDIS_URL,
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }
else:
    CACHES["throttles"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "throttles",
        # One entry per client IP and account per window; culling them would reset limits.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# The API answers in UTC and the rules of the day (the post limit, birthdays) follow
# UTC days, as API.md says; only the admin shows times in DJANGO_TIME_ZONE, the clock
# of the kitchen or clinic that reads it (config/time_zones.py).
TIME_ZONE = "UTC"
ADMIN_TIME_ZONE = env_time_zone("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# Where a phone number written without a country calling code is from, for the
# admin's order search ("06 30 123 4567" finds +36301234567 with HU).
PHONE_REGION = env_str("PHONE_REGION", "HU")

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production serves what collectstatic wrote: content-hashed names (cached for a
    # year, `immutable`) and gzip and brotli copies. With DEBUG, files come straight
    # from the apps, unhashed, so nothing has to be collected first.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))

EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "no-reply@localhost")

# Mail leaves the request: a task row in the database, run by `manage.py db_worker`, a
# process of its own. TASKS_IMMEDIATE runs each task in the process that queues it, at
# once: the embedded setup (`make run`, DEBUG) has no worker and sends to the console.
TASKS_IMMEDIATE = env_bool("TASKS_IMMEDIATE", default=DEBUG)
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TASKS_IMMEDIATE
        else "django_tasks_db.DatabaseBackend"
    }
}

# Security: strict unless DEBUG; TLS usually ends at the load balancer.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Probes and the metrics scraper reach a pod directly, in plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
X_FRAME_OPTIONS = "DENY"

# CORS: browser front-ends on the listed origins may call the API; none by default.
# Bearer tokens, not cookies, authenticate them, so no credentials are allowed.
CORS_ALLOWED_ORIGINS = env_list("DJANGO_CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/(?:api|hello)(?:/|$)"
CORS_ALLOW_HEADERS = (*default_headers, "idempotency-key")
CORS_EXPOSE_HEADERS = ["Retry-After", "X-Request-ID"]

REST_FRAMEWORK = {
    # Bearer tokens only: the API loads no session (config/browser_middleware.py).
    "DEFAULT_AUTHENTICATION_CLASSES": ["authentication.jwt_authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "config.api.negotiation.ContentNegotiation",
    # JSON is the API's only request format (API.md): form bodies are a 415, and the
    # schema offers no second format that clients would generate code for.
    "DEFAULT_PARSER_CLASSES": ["config.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.CursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.errors.exception_handler",
    # The proxies in front of the app (the load balancer: 1). Throttles take the client
    # IP that many hops from the end of X-Forwarded-For; with 0 they take the socket's
    # address. Unset, DRF would trust the whole header and a client could pick its IP.
    "NUM_PROXIES": env_int("DJANGO_TRUSTED_PROXIES", 0),
    "DEFAULT_THROTTLE_RATES": {
        # Login and reset count failed attempts; "forgot" counts every request.
        "login_ip": env_str("THROTTLE_LOGIN_IP", "20/min"),
        "login_account": env_str("THROTTLE_LOGIN_ACCOUNT", "10/min"),
        "reset_ip": env_str("THROTTLE_RESET_IP", "20/min"),
        "reset_account": env_str("THROTTLE_RESET_ACCOUNT", "10/min"),
        "password_ip": env_str("THROTTLE_PASSWORD_IP", "20/min"),
        "password_account": env_str("THROTTLE_PASSWORD_ACCOUNT", "10/min"),
        # Every request counts; orders only without an account.
        "signup_ip": env_str("THROTTLE_SIGNUP_IP", "20/hour"),
        "order_ip": env_str("THROTTLE_ORDER_IP", "30/hour"),
        "hello_ip": env_str("THROTTLE_HELLO_IP", "60/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# Wrong reset codes an account may try per UTC day, across all its codes (each code
# also dies after 5): without it, new codes brought new guesses all day long.
PASSWORD_RESET_DAILY_WRONG_TRIES = env_int("PASSWORD_RESET_DAILY_WRONG_TRIES", 20)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "AUTH_HEADER_TYPES": ("Bearer",),
    # Its own key where set, so that tokens can be revoked all at once by changing it
    # without logging everyone out of the admin; else the (required) secret key.
    "SIGNING_KEY": env_str("JWT_SIGNING_KEY") or SECRET_KEY,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Platform API",
    "DESCRIPTION": (
        "Accounts, birthday greetings, a social network, pizza orders and medical "
        "records. Every error has the shape of the `Error` schema."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.errors.add_error_responses",
        "config.api.openapi.present_security",
        "config.api.schema_hooks.allow_empty_query_values",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # A token pasted into "Authorize" survives a reload of /docs/ (kept in the browser).
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "deepLinking": True},
    "REDOC_DIST": "SIDECAR",
    "TAGS": [
        {
            "name": "authentication",
            "description": "Sign up, log in (a JWT pair), refresh, log out, your account, "
            "and a forgotten password reset by an emailed code.",
        },
        {"name": "users", "description": "Accounts and today's birthdays."},
        {
            "name": "social",
            "description": "Profiles, follows, posts, reposts and quotes, and the feeds "
            "(at most 5 posts a day per user).",
        },
        {"name": "menu", "description": "The pizzas and their extras: public, cached."},
        {
            "name": "orders",
            "description": "Place an order (idempotent with an `Idempotency-Key`), read it "
            "by its id, and move it along received -> preparing -> out_for_delivery -> "
            "delivered (or cancelled).",
        },
        {
            "name": "records",
            "description": "Medical records: staff write them, a patient reads their own; "
            "every access is audited.",
        },
        {"name": "hello", "description": "The birthday greeting of the original service."},
        {"name": "health", "description": "Liveness and readiness probes for the orchestrator."},
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets used under several field names get one name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "HealthStatusEnum": ["up", "down"],
        "OrderStatusEnum": "orders.models.OrderStatus",
        "PostKindEnum": "social.models.Post.Kind",
    },
}

LOG_FORMAT = env_str("LOG_FORMAT", "console")
if LOG_FORMAT not in {"console", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use 'console' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.request_logging.RequestIdFilter"}},
    "formatters": {
        "console": {"()": "config.request_logging.ConsoleFormatter"},
        "json": {"()": "config.request_logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Our request log replaces Django's own per-request lines.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}
CSRF_FAILURE_VIEW = "config.api.errors.csrf_failure"
# The follow lists' indexes carry a non-key column (INCLUDE) for index-only pages on
# PostgreSQL; SQLite builds them on their keys alone, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
