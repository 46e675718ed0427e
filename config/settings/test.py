from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
if not CACHE_URL:  # noqa: F405
    _local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": CACHE_DEFAULT_TIMEOUT}  # noqa: F405
    CACHES = {**CACHES, "default": _local}  # noqa: F405

# Several test runs may share one PostgreSQL (parallel sessions); each can pick its own test
# database name.
if env("TEST_DATABASE_NAME", default=""):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME")}  # noqa: F405

# Factory users are all new accounts and some tests post or vote many times: limits far above
# anything a test does. Tests of the limits themselves set low rates (tests/hardening).
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {scope: "100000/minute" for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]},  # noqa: F405
}

# The page cache is off in tests (on_commit callbacks, which start new cache generations, never
# run inside the test transactions); tests/config/test_pagecache.py turns it on. Set
# PAGE_CACHE_SECONDS to run the whole suite with it.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0)  # noqa: F405

# Every test client builds its middleware afresh, and WhiteNoise would scan the static folder on
# each (a quarter of a second under load, minutes over the suite); in autorefresh mode it finds a
# file when one is asked for. Static files are served the same way either way.
WHITENOISE_AUTOREFRESH = True

# `make test` runs pytest in parallel (pytest-xdist): each worker gets its own test database
# (pytest-django suffixes its name with the worker id), and here its own cache key prefix and
# filesystem-broker folders, so no two workers ever share state. Tests set their own prefix on
# top (tests/conftest.py); this one covers what runs outside a test (module fixtures).
_WORKER = env("PYTEST_XDIST_WORKER", default="main")  # noqa: F405
for _cache in CACHES.values():  # noqa: F405
    _cache.setdefault("KEY_PREFIX", f"test-{_WORKER}")
if CELERY_BROKER_URL == "filesystem://":  # noqa: F405
    _broker_dir = VAR_DIR / "test-broker" / _WORKER  # noqa: F405
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {  # noqa: F405
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
    }
