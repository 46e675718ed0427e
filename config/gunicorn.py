"""gunicorn settings for production and for `make run` (Procfile.dev: 2 workers x 8 threads on
the embedded default); every value can be overridden from the environment."""

import multiprocessing
import os

# GUNICORN_BIND (host:port) wins; otherwise every interface on PORT (set by platforms such as
# Heroku and by honcho under `make run`), 8000 by default.
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT') or 8000}"  # noqa: S104 - behind a load balancer
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Connections waiting to be accepted. The development server's 10 reset 45 of 100 simultaneous
# clients (issue 28); the kernel caps it at net.core.somaxconn.
backlog = int(os.environ.get("GUNICORN_BACKLOG", "2048"))
# GUNICORN_RELOAD=1 (`make dev`): restart the workers when the code changes, as runserver did.
reload = os.environ.get("GUNICORN_RELOAD", "").lower() in {"1", "true", "yes"}
# Import the app once in the master and fork the workers from it: a worker (re)starts in
# milliseconds instead of re-importing Django, and the workers share the loaded code's memory.
# Nothing opens a database or Redis connection at import time, so none is shared across the fork.
# Reloading needs each worker to import the code itself.
preload_app = not reload
# Recycle workers now and then so a slow leak never takes a machine down. At a few hundred
# requests a second 2,000 meant every worker restarting every half minute.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
