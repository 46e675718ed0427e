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
