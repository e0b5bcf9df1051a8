"""make load: the production server on a throwaway PostgreSQL database, 50 reviewers and
an editor driven by locust for a fixed time, and the figures: per request p50, p95,
p99, requests per second and errors, beside one reviewer's median for the proposal page
measured alone in the same run, and the goals. LOAD_USERS, LOAD_SECONDS, LOAD_DATABASE_URL
(a PostgreSQL server whose database `soc_load` it may drop and make), WEB_WORKERS and
WEB_THREADS change it."""

import csv
import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
USERS = int(os.environ.get("LOAD_USERS", 50))
SECONDS = int(os.environ.get("LOAD_SECONDS", 60))
SERVER = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def step(text):
    print(f"== {text}", flush=True)


def fresh_database() -> str:
    import psycopg2

    connection = psycopg2.connect(SERVER)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS soc_load")
        cursor.execute("CREATE DATABASE soc_load")
    connection.close()
    return SERVER.rsplit("/", 1)[0] + "/soc_load"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def alone_median(base: str, config: dict, times: int = 20) -> tuple[float, float]:
    """One reviewer, alone: the proposal page's median time (ms) (drawn once, then read from the
    shared cache while nothing changes: no one else writes meanwhile), and as an
    unchanged reload (If-None-Match: 304)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": config["reviewers"][0],
                                   "password": config["password"]}).encode()
    opener.open(urllib.request.Request(f"{base}/accounts/login/", data, headers={"Referer": f"{base}/accounts/login/"}))
    took, reloads, tag = [], [], None
    url = f"{base}/proposals/{config['proposal']}/"
    for _ in range(times):
        started = time.perf_counter()
        with opener.open(url) as response:
            response.read()
            tag = response.headers.get("ETag")
        took.append((time.perf_counter() - started) * 1000)
    for _ in range(times):
        started = time.perf_counter()
        try:
            opener.open(urllib.request.Request(url, headers={"If-None-Match": tag})).read()
        except urllib.error.HTTPError as answer:  # urllib says 304 with an exception
            assert answer.code == 304, answer.code
        reloads.append((time.perf_counter() - started) * 1000)
    return statistics.median(took), statistics.median(reloads)


def main() -> int:
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
    step("a throwaway database, soc_load")
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1",
               DATABASE_URL=fresh_database(), SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0", LOAD_DATABASE="1",
               AXES_ADDRESS_FAILURE_LIMIT="100000")
    work = Path(tempfile.mkdtemp(prefix="soc-load-"))
    env["STATIC_ROOT"] = str(work / "static")
    config_file = work / "load.json"
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput", "--verbosity", "0"],
                    ["load_prepare", "--users", str(USERS), "--out", str(config_file)]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    config = json.loads(config_file.read_text())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    step(f"gunicorn on {base}: {env.get('WEB_WORKERS', 'default')} workers, {env.get('WEB_THREADS', 'default')} threads")
    server = subprocess.Popen([str(BIN / "gunicorn"), "--config", "socproposal/gunicorn.conf.py", "socproposal.wsgi"],
                              cwd=ROOT, env={**env, "PORT": str(port)}, stdout=subprocess.DEVNULL,
                              stderr=open(work / "server.log", "w"))
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        alone = alone_median(base, config)
        step(f"{USERS} reviewers and an editor for {SECONDS} s")
        subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
                        "--users", str(USERS + 1), "--spawn-rate", "10", "--run-time", f"{SECONDS}s", "--host", base,
                        "--csv", str(work / "load"), "--only-summary", "--loglevel", "WARNING"],
                       cwd=ROOT, env={**env, "LOAD_CONFIG": str(config_file)}, check=False,
                       stdout=subprocess.DEVNULL, stderr=open(work / "locust.log", "w"))
        after = alone_median(base, config)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return report(work / "load_stats.csv", alone, after)


def report(stats: Path, alone_both: tuple, after_both: tuple) -> int:
    (alone, unchanged), (after, _) = alone_both, after_both
    rows = list(csv.DictReader(stats.open()))
    print(f"\n{'request':<16} {'count':>6} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} "
          f"{'req/s':>6}")
    page = total = None
    for row in rows:
        name = row["Name"]
        print(f"{name:<16} {row['Request Count']:>6} {row['Failure Count']:>6} {row['50%']:>7} {row['95%']:>7} "
              f"{row['99%']:>7} {float(row['Max Response Time']):>7.0f} {float(row['Requests/s']):>6.1f}")
        if name == "proposal page":
            page = row
        if name == "Aggregated":
            total = row
    print(f"(the run's files, logs included: {stats.parent})")
    print(f"\nproposal page, one reviewer alone: median {alone:.0f} ms before the load, {after:.0f} ms after; "
          f"an unchanged reload (304): median {unchanged:.1f} ms, the round trip included")
    p95 = float(page["95%"])
    goals = [("0 errors", int(total["Failure Count"]) == 0),
             ("no request slower than 10 s", float(total["Max Response Time"]) <= 10_000),
             (f"proposal page p95 ≤ 3 × alone ({p95:.0f} ≤ {3 * alone:.0f} ms)", p95 <= 3 * alone),
             (f"an unchanged reload answered 304 in ≤ 10 ms ({unchanged:.1f} ms)", unchanged <= 10)]
    for goal, met in goals:
        print(f"  {'met    ' if met else 'NOT met'}  {goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
