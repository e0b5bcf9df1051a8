"""gunicorn's settings for `make serve`, from the environment. Each worker is a process
with its own threads: two per core leaves room for the database's own work on a small
machine (WEB_WORKERS, WEB_THREADS to change it)."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_WORKERS", max(2, multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("WEB_THREADS", 4))
# An import of a large reviewed file or an export of a long proposal takes seconds, not minutes.
timeout = int(os.environ.get("WEB_TIMEOUT", 60))
graceful_timeout = 30
# Longer than a reader's pause between two requests (and a proxy's idle upstream time):
# a connection closed by the server as the client reuses it is a "connection reset".
keepalive = int(os.environ.get("WEB_KEEPALIVE", 75))
accesslog = "-"
errorlog = "-"
# Behind a proxy on this machine: the client's scheme and address from its headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
