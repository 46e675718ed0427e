"""Production: PostgreSQL and Redis are required, secrets only from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

# base.py falls back to the embedded default (SQLite, the file cache, kombu's filesystem broker)
# when these are unset: right for `make run`, silently wrong for a production deployment, where
# every web process and worker would keep its own data. Refuse to start instead. The cache and
# the broker may each have their own Redis (CACHE_URL, CELERY_BROKER_URL); REDIS_URL is the
# default of both.
_REQUIRED = (
    ("DATABASE_URL", "the PostgreSQL database", ()),
    ("REDIS_URL", "the Redis cache and broker", ("CACHE_URL", "CELERY_BROKER_URL")),
)
for _variable, _what, _instead in _REQUIRED:
    if not env.str(_variable, default="") and not (  # noqa: F405
        _instead and all(env.str(name, default="") for name in _instead)  # noqa: F405
    ):
        _or = f" (or both {' and '.join(_instead)})" if _instead else ""
        raise ImproperlyConfigured(
            f"Set the {_variable} environment variable{_or} to {_what}: production settings do not "
            "fall back to the embedded default (docs/deploy.md)."
        )

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")  # noqa: F405
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")  # noqa: F405

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")  # noqa: F405
SERVE_MEDIA = env.bool("DJANGO_SERVE_MEDIA", default=False)  # noqa: F405
