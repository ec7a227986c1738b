"""Faults against the real production stack (gunicorn + PostgreSQL + Redis) on 127.0.0.1.

Every signer who saw the thanks page has a row, whatever dies; the site recovers by itself.
Needs Debian's postgresql and redis-server: skipped locally without them, a failure in CI.
"""
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from localservices import Gunicorn, Postgres, Redis, free_port, postgres_bin  # noqa: E402

IN_CI = os.environ.get("CI") == "true"
ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def require_services():
    missing = [name for name, found in (("postgresql", postgres_bin()), ("redis-server", shutil.which("redis-server")))
               if not found]
    if missing:
        message = f"fault tests need {', '.join(missing)}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def postgres():
    require_services()
    # Not under pytest's private tmp folder: as root, PostgreSQL runs as `postgres`, who must reach it.
    directory = Path(tempfile.mkdtemp(prefix="campaign-faults-pg-"))
    server = Postgres(directory, free_port()).start()
    env = {**os.environ, "DATABASE_URL": server.url}
    subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT,
                   env=env, check=True, capture_output=True)
    yield server
    server.stop()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def database(postgres):
    postgres.psql("TRUNCATE outbox, consent, signature, signature_counter, campaign_settings")
    return postgres


@pytest.fixture
def start_server(database, tmp_path):
    servers = []

    def start(**env):
        log = open(tmp_path / f"gunicorn-{len(servers)}.log", "w")
        settings = {"DATABASE_URL": database.url, "SECRET_KEY": "fault-test-" + "k" * 40, "PROXY_FIX": "1",
                    "SIGN_RATE_LIMIT": "100000 per minute", "SIGN_RATE_LIMIT_ALL_CAMPAIGNS": "100000 per minute",
                    # Signatures count at once, so that every fault below is checked against the counter.
                    "CONFIRMATION_REQUIRED": "",
                    **env}
        server = Gunicorn(free_port(), settings, workers=2, threads=4, log=log).start()
        server.log_path = tmp_path / f"gunicorn-{len(servers)}.log"
        servers.append((server, log))
        return server

    yield start
    for server, log in servers:
        server.stop()
        log.close()


def sign_once(port, email, client_address, lang="en", slug="unhcr"):
    """GET the form for its token and cookie, POST it: the status of the POST (303 = thanks page)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"X-Forwarded-For": client_address}
        connection.request("GET", f"/{lang}/{slug}/", headers=headers)
        page = connection.getresponse()
        html = page.read().decode()
        if page.status != 200:
            return page.status, html
        cookie = "; ".join(value.split(";", 1)[0] for value in page.headers.get_all("Set-Cookie", []))
        form = {"csrf_token": TOKEN.search(html).group(1), "first_name": "Test", "last_name": "Signer",
                "country": "KR", "email": email}
        connection.request("POST", f"/{lang}/{slug}/", body=urlencode(form),
                           headers={**headers, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        answer = connection.getresponse()
        return answer.status, answer.read().decode()
    finally:
        connection.close()


def run_signers(port, seconds, signers=8, lang="en", during=None):
    """Sign continuously from `signers` threads for `seconds`; `during(elapsed)` runs alongside."""
    results = []
    deadline = time.monotonic() + seconds

    def signer(number):
        attempt = 0
        while time.monotonic() < deadline:
            attempt += 1
            email = f"signer{number}-{attempt}@example.org"
            try:
                status, body = sign_once(port, email, f"203.0.113.{number}", lang=lang)
            except (OSError, http.client.HTTPException):
                status, body = None, ""
            results.append((email, status, body))

    threads = [threading.Thread(target=signer, args=(n,)) for n in range(signers)]
    for thread in threads:
        thread.start()
    if during:
        during()
    for thread in threads:
        thread.join()
    return results


def stored_emails(database):
    return set(database.psql("SELECT email FROM signature").split())


def assert_counts_match_rows(database):
    rows = int(database.psql("SELECT count(*) FROM signature"))
    counted = int(database.psql("SELECT coalesce(sum(count), 0) FROM signature_counter"))
    assert counted == rows


def test_kill_9_of_a_worker_loses_no_confirmed_signature(start_server, database):
    server = start_server()

    def kill_a_worker():
        time.sleep(1.5)
        os.kill(server.worker_pids()[0], signal.SIGKILL)

    results = run_signers(server.port, seconds=4, during=kill_a_worker)
    confirmed = {email for email, status, _ in results if status == 303}
    assert len(confirmed) > 20
    assert confirmed <= stored_emails(database)
    assert_counts_match_rows(database)
    # The master replaced the worker: the site still answers.
    assert sign_once(server.port, "after-kill@example.org", "203.0.113.200")[0] == 303


def test_redis_down_fails_open_when_configured(start_server, database):
    server = start_server(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0", RATELIMIT_FAIL="open")
    assert sign_once(server.port, "open@example.org", "203.0.113.7")[0] == 303
    assert "open@example.org" in stored_emails(database)
    assert "falling back to in-memory storage" in server.log_path.read_text()


def test_redis_down_fails_closed_when_configured(start_server, database):
    server = start_server(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0", RATELIMIT_FAIL="closed")
    status, body = sign_once(server.port, "closed@example.org", "203.0.113.8", lang="ko")
    assert status == 503 and "사이트가 잠시 혼잡합니다" in body
    assert stored_emails(database) == set()
    assert "RATELIMIT_FAIL=closed" in server.log_path.read_text()


def test_two_instances_sharing_redis_enforce_one_limit(start_server, database):
    redis = Redis(free_port()).start()
    try:
        shared = {"RATELIMIT_STORAGE_URI": redis.url, "SIGN_RATE_LIMIT": "3 per minute"}
        first, second = start_server(**shared), start_server(**shared)
        statuses = [sign_once(server.port, f"both{n}@example.org", "203.0.113.9")[0]
                    for n, server in enumerate([first, second, first, second, first])]
        assert statuses == [303, 303, 303, 429, 429]
        # Another address is its own client.
        assert sign_once(second.port, "other@example.org", "203.0.113.10")[0] == 303
    finally:
        redis.stop()


def test_postgres_restart_under_load_gives_503_then_recovers(start_server, database):
    server = start_server()

    def restart_postgres():
        time.sleep(1.5)
        database.stop(mode="fast")
        time.sleep(2.0)
        database.start()

    results = run_signers(server.port, seconds=7, lang="ko", during=restart_postgres)
    statuses = [status for _, status, _ in results]
    outage = [body for _, status, body in results if status == 503]
    assert outage, f"no 503 during the outage: {sorted(set(statuses), key=str)}"
    assert all("사이트가 잠시 혼잡합니다" in body for body in outage)
    assert 500 not in statuses, server.log_path.read_text()[-3000:]
    confirmed = {email for email, status, _ in results if status == 303}
    assert confirmed <= stored_emails(database)
    assert_counts_match_rows(database)
    # Recovered by itself, without restarting gunicorn.
    assert sign_once(server.port, "after-restart@example.org", "203.0.113.201", lang="ko")[0] == 303
