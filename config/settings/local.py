import os
import secrets
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = env.bool("DJANGO_DEBUG", default=True)  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"


def installation_secret_key(path: Path) -> str:
    """This installation's own secret key, made once and kept in `path` (mode 0600). `make run`
    serves a real small community on the embedded default, so sessions and password-reset links
    must not be signed with the public development key. The web workers and Celery start at the
    same moment: the key is written to a temporary file and linked into place, so every process
    reads the one that won."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{path.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


if not env.str("DJANGO_SECRET_KEY", default=""):  # noqa: F405
    SECRET_KEY = installation_secret_key(VAR_DIR / "secret_key")  # noqa: F405
