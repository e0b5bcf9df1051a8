"""Production mode, as `make serve` runs it: DEBUG off, gunicorn, static files from
WhiteNoise with hashed names and a long cache, /healthz both ways, `check --deploy`
clean. Real processes on this machine's loopback, each stopped at the end."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings

ROOT = Path(django_settings.BASE_DIR)
BIN = Path(sys.executable).parent


def production_env(tmp_path, **extra) -> dict:
    # Not the test run's own: DEBUG, its settings module, and the browser tests' async switch.
    env = {key: value for key, value in os.environ.items()
           if key not in ("DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(DEBUG="0", SECRET_KEY="a-production-like-secret-key-" + "x" * 40, ALLOWED_HOSTS="127.0.0.1,localhost",
               DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}", STATIC_ROOT=str(tmp_path / "static"),
               SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0", WEB_WORKERS="1", WEB_THREADS="2")
    env.update(extra)
    return env


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    def __init__(self, env):
        self.port = free_port()
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "socproposal/gunicorn.conf.py", "socproposal.wsgi"],
            cwd=ROOT, env={**env, "PORT": str(self.port)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError("gunicorn did not start")

    def get(self, path, headers=None):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("production")
    env = production_env(tmp_path)
    for step in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
        done = manage(env, *step)
        assert done.returncode == 0, done.stderr
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = production_env(tmp_path, SECURE_SSL_REDIRECT="1", SECURE_COOKIES="1")
    done = manage(env, "check", "--deploy")
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout and "WARNING" not in done.stdout + done.stderr


def test_it_serves_pages_and_hashed_static_files_with_debug_off(prepared):
    served = Served(prepared)
    try:
        status, headers, body = served.get("/accounts/login/")
        assert status == 200 and headers["Server"] == "gunicorn"
        css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', body.decode()).group(1)
        status, headers, body = served.get(css, {"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert headers["Cache-Control"] == "max-age=315360000, public, immutable"  # ten years: a new version is a new name
        status, headers, _ = served.get("/static/favicon.svg")
        assert status == 200
        assert served.get("/healthz") == (200, served.get("/healthz")[1], b"ok\n")
        # A load balancer calls it by address: no Host check, and no login.
        status, _, body = served.get("/healthz", {"Host": "10.1.2.3"})
        assert (status, body) == (200, b"ok\n")
    finally:
        served.stop()


def test_healthz_says_503_when_the_database_does_not_answer(prepared):
    served = Served({**prepared, "DATABASE_URL": "postgres://postgres@127.0.0.1:9/nothing"})
    try:
        status, headers, body = served.get("/healthz")
        assert (status, body) == (503, b"database unavailable\n")
        assert headers["Cache-Control"] == "no-store"
    finally:
        served.stop()


def test_make_serve_refuses_to_start_without_its_secrets(tmp_path):
    env = production_env(tmp_path)
    for missing, said in (("SECRET_KEY", "make serve: set SECRET_KEY"), ("ALLOWED_HOSTS", "set ALLOWED_HOSTS")):
        done = subprocess.run(["make", "--no-print-directory", "serve"], cwd=ROOT, capture_output=True, text=True,
                              env={key: value for key, value in env.items() if key != missing}, timeout=120)
        assert done.returncode != 0 and said in done.stdout + done.stderr


def test_an_empty_database_url_means_the_sqlite_default(tmp_path):
    env = {**production_env(tmp_path), "DEBUG": "1", "DATABASE_URL": ""}
    shown = manage(env, "shell", "-c", "from django.db import connection; print(connection.vendor)")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split()[-1] == "sqlite"


def test_healthz_is_not_redirected_to_https(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/accounts/login/").status_code == 301
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
