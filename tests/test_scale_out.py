"""Scale out: two app processes behind one nginx, sharing PostgreSQL and Redis (README "Scale out").

nginx from Debian runs deploy/nginx/ as shipped (only the app hosts, ports, certificate and
static path changed), over TLS, in front of two gunicorn processes on ports of their own; a
browser-like client signs through it from addresses of its own (127.0.0.N: all of 127/8 is
this machine). Whatever process a request lands on, every guarantee holds: each signer counted
once, a repeat never counted again, one rate limit for both processes keyed by the address nginx
saw, and nothing a client puts in X-Forwarded-For changes that address.

It starts its own PostgreSQL and Redis (localservices.py), so it runs the same in both of CI's
passes. Needs Debian's nginx, postgresql, redis-server and openssl: skipped locally without them,
a failure in CI.
"""
import http.client
import json
import os
import pwd
import re
import secrets
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis

from campaign.config import DefaultConfig
from conftest import CSRF_FIELD, VALID_SIGNERS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from localservices import Gunicorn, Postgres, Redis, free_port, postgres_bin, wait_for_port  # noqa: E402

IN_CI = os.environ.get("CI") == "true"
ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy" / "nginx"
SLUG = "unhcr"
SERVER_NAME = "petitions.example.org"
# Added by the test's nginx.conf only: which app process answered (nginx's $upstream_addr).
SERVED_BY = "X-Test-Served-By"
# Each app process logs what nginx told it, so that the test sees the headers the app got.
ACCESS_LOG_FORMAT = "|".join(("%(m)s", "%(U)s", "%(s)s", "%({x-forwarded-for}i)s", "%({x-forwarded-proto}i)s",
                               "%({x-real-ip}i)s", "%({forwarded}i)s"))


def nginx_binary():
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")  # sbin: not on every PATH


def require_programs():
    found = {"nginx": nginx_binary(), "postgresql": postgres_bin(), "redis-server": shutil.which("redis-server"),
             "openssl": shutil.which("openssl")}
    missing = [name for name, path in found.items() if not path]
    if missing:
        message = f"scale-out tests need Debian's {', '.join(missing)} (apt-get install {' '.join(missing)})"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def replace_exactly(text, old, new, times=1):
    """Change the shipped configuration where the test must; a changed file fails loudly here."""
    found = text.count(old)
    assert found == times, f"expected {old!r} {times} time(s) in deploy/nginx, found {found}: update the test"
    return text.replace(old, new)


def nginx_configuration(directory, upstreams, http_port, https_port, certificate, key):
    """deploy/nginx/ with only the app hosts, ports, certificate and static path changed."""
    locations = replace_exactly((DEPLOY / "campaign-locations.conf").read_text(), "/srv/campaign/", f"{ROOT}/")
    (directory / "campaign-locations.conf").write_text(locations)
    site = (DEPLOY / "campaign.conf").read_text()
    site, removed = re.subn(r"^ *server 10\.0\.0\.\d+:800\d;\n", "", site, flags=re.MULTILINE)
    assert removed == 4, "deploy/nginx/campaign.conf should list its two example app hosts, two instances each"
    servers = "".join(f"    server 127.0.0.1:{port};\n" for port in upstreams)
    site = replace_exactly(site, "upstream campaign_app {\n", "upstream campaign_app {\n" + servers)
    site = replace_exactly(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = replace_exactly(site, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = replace_exactly(site, "    listen [::]:80;\n", "")
    site = replace_exactly(site, "    listen [::]:443 ssl http2;\n", "")
    site = replace_exactly(site, f"/etc/letsencrypt/live/{SERVER_NAME}/fullchain.pem", str(certificate))
    site = replace_exactly(site, f"/etc/letsencrypt/live/{SERVER_NAME}/privkey.pem", str(key))
    site = replace_exactly(site, "include snippets/campaign-locations.conf;",
                           f"include {directory / 'campaign-locations.conf'};")
    # Everything nginx writes stays in the test's folder, so it runs as any user. As root the
    # workers run as this user too (not nobody), to read the checkout and that folder.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    mime_types = "include /etc/nginx/mime.types;\n" if Path("/etc/nginx/mime.types").exists() else ""
    temp_paths = "".join(f"{name}_temp_path {directory / name};\n"
                         for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"{user}daemon off;\nworker_processes 1;\npid {directory / 'nginx.pid'};\n"
            f"error_log {directory / 'error.log'} warn;\n"
            "events { worker_connections 256; }\n"
            "http {\n"
            f"{mime_types}default_type application/octet-stream;\n{temp_paths}"
            # As Debian's nginx.conf: pages must stay uncompressed anyway (BREACH).
            "gzip on;\n"
            # Inherited by the proxied location, which adds no header of its own.
            f"add_header {SERVED_BY} $upstream_addr always;\n"
            f"{site}\n}}\n")


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def served_by(self):
        """The app process that answered (127.0.0.1:port), or None when nginx answered itself."""
        return self.headers.get(SERVED_BY)


class Stack:
    """PostgreSQL, Redis, two gunicorn processes and nginx in front of them."""

    def __init__(self, directory):
        self.directory = directory
        self.stops = []

    def start(self):
        pg_directory = Path(tempfile.mkdtemp(prefix="campaign-scale-pg-"))  # reachable by `postgres` as root
        self.stops.append(lambda: shutil.rmtree(pg_directory, ignore_errors=True))
        self.postgres = Postgres(pg_directory, free_port()).start()
        self.stops.append(self.postgres.stop)
        subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT,
                       env={**os.environ, "DATABASE_URL": self.postgres.url}, check=True, capture_output=True)
        self.redis_server = Redis(free_port()).start()
        self.stops.append(self.redis_server.stop)
        self.redis = redis.Redis.from_url(self.redis_server.url)
        self.stops.append(self.redis.close)

        # What every app host shares; production settings, so that the start-up checks run too.
        shared = {"CAMPAIGN_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
                  "DATABASE_URL": self.postgres.url, "RATELIMIT_STORAGE_URI": self.redis_server.url,
                  # Closed: a process that lost Redis would answer 503 here, never limit on its own.
                  "RATELIMIT_FAIL": "closed", "PROXY_FIX": "1", "SITE_URL": f"https://{SERVER_NAME}",
                  "HSTS_SECONDS": "86400", "MAIL_USE_TLS": "1",
                  # Signatures count at once, so that each one is checked against the counter.
                  "CONFIRMATION_REQUIRED": "",
                  "SIGN_RATE_LIMIT": "3 per hour", "SIGN_RATE_LIMIT_ALL_CAMPAIGNS": "30 per hour",
                  "GUNICORN_CMD_ARGS": f"--access-logformat {ACCESS_LOG_FORMAT}"}
        self.access_logs, self.apps = [], []
        for number in range(2):
            access_log = self.directory / f"app-{number}-access.log"
            output = open(self.directory / f"app-{number}.log", "w")
            self.stops.append(output.close)
            app = Gunicorn(free_port(), {**shared, "ACCESS_LOG": str(access_log)}, workers=1, threads=4,
                           log=output)
            self.stops.append(app.stop)
            app.start()
            self.apps.append(app)
            self.access_logs.append(access_log)
        self.upstreams = [f"127.0.0.1:{app.port}" for app in self.apps]

        certificate, key = self.directory / "certificate.pem", self.directory / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-days", "2", "-subj", f"/CN={SERVER_NAME}", "-addext",
                        f"subjectAltName=DNS:{SERVER_NAME},IP:127.0.0.1", "-keyout", key, "-out", certificate],
                       check=True, capture_output=True)
        self.tls = ssl.create_default_context(cafile=str(certificate))
        self.http_port, self.https_port = free_port(), free_port()
        configuration = self.directory / "nginx.conf"
        configuration.write_text(nginx_configuration(self.directory, [app.port for app in self.apps],
                                                    self.http_port, self.https_port, certificate, key))
        checked = subprocess.run([nginx_binary(), "-t", "-p", str(self.directory), "-c", str(configuration),
                                  "-e", str(self.directory / "error.log")], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        self.nginx = subprocess.Popen([nginx_binary(), "-p", str(self.directory), "-c", str(configuration),
                                       "-e", str(self.directory / "error.log")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.stops.append(self.stop_nginx)
        wait_for_port(self.https_port)
        return self

    def stop_nginx(self):
        self.nginx.terminate()
        self.nginx.wait(timeout=10)

    def stop(self):
        for stop in reversed(self.stops):
            stop()

    def request(self, method, path, address="127.0.0.1", headers=None, body=None, port=None):
        """One request from `address` on a connection of its own, like a new visitor's."""
        if port is None:
            connection = http.client.HTTPSConnection("127.0.0.1", self.https_port, context=self.tls, timeout=15,
                                                     source_address=(address, 0))
        else:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15, source_address=(address, 0))
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read().decode("utf-8", "replace"))
        finally:
            connection.close()

    def count_json(self, address="127.0.0.1"):
        answer = self.request("GET", f"/en/{SLUG}/count.json", address)
        assert answer.status == 200, answer.text
        return json.loads(answer.text)["count"], answer.served_by

    def sql(self, query):
        return self.postgres.psql(query)

    def start_test(self):
        """No signature, no rate-limit hit, and only this test's lines in the access logs."""
        self.sql("TRUNCATE outbox, consent, signature, signature_counter, campaign_settings CASCADE")
        self.redis.flushdb()
        self.log_offsets = [path.stat().st_size for path in self.access_logs]

    def access_lines(self, number):
        """This test's requests to app process `number`: method, path, status and the forwarding headers."""
        with open(self.access_logs[number]) as log:
            log.seek(self.log_offsets[number])
            return [line.split("|") for line in log.read().splitlines()]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    require_programs()
    started = Stack(tmp_path_factory.mktemp("scale-out"))
    try:
        yield started.start()
    finally:
        started.stop()


@pytest.fixture
def site(stack):
    stack.start_test()
    return stack


class Visitor:
    """A browser at an address of its own: it keeps its cookies and signs like the sign page."""

    def __init__(self, stack, address, headers=None):
        self.stack, self.address = stack, address
        self.extra_headers = headers or {}
        self.cookies = {}

    def request(self, method, path, headers=None, body=None):
        sent = {**self.extra_headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        answer = self.stack.request(method, path, self.address, sent, body)
        for cookie in answer.headers.get_all("Set-Cookie", []):
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return answer

    def open_form(self, lang="en"):
        page = self.request("GET", f"/{lang}/{SLUG}/")
        assert page.status == 200, page.text[-500:]
        return page

    def post_form(self, page, email, lang="en"):
        token = CSRF_FIELD.search(page.text)
        assert token, "no CSRF token on the sign page"
        form = {**VALID_SIGNERS[SLUG], "email": email, "csrf_token": token.group(1)}
        origin = f"https://{SERVER_NAME}"
        return self.request("POST", f"/{lang}/{SLUG}/", body=urlencode(form),
                            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": origin,
                                     "Referer": f"{origin}/{lang}/{SLUG}/"})

    def sign(self, email, post_on=None):
        """GET the form and POST it; `post_on` an app process, the POST lands there.

        nginx takes the app processes in turn (one worker, round robin): when the form came from
        `post_on`, one more request goes to the other first. Checked on every POST."""
        page = self.open_form()
        if post_on and page.served_by == post_on:
            self.stack.count_json(self.address)
        answer = self.post_form(page, email)
        if post_on:
            assert answer.served_by == post_on, f"nginx sent the POST to {answer.served_by}, not {post_on}"
        return page, answer


def stored_emails(stack):
    return sorted(stack.sql("SELECT email FROM signature").split())


def counted(stack):
    return int(stack.sql("SELECT coalesce(sum(count), 0) FROM signature_counter"))


def assert_count_json_everywhere(stack, expected):
    """count.json says `expected` from both processes (a short per-process cache may lag: wait)."""
    deadline = time.monotonic() + 10
    seen = {}
    while time.monotonic() < deadline:
        number, served_by = stack.count_json()
        seen[served_by] = number
        if set(seen) == set(stack.upstreams) and all(value == expected for value in seen.values()):
            return
        time.sleep(0.2)
    pytest.fail(f"count.json from each process: {seen}, expected {expected}")


def test_signers_are_served_by_both_processes_and_each_counted_once(site):
    before, _ = site.count_json()
    signed = []
    for number in range(8):
        visitor = Visitor(site, f"127.0.0.{10 + number}")
        page, answer = visitor.sign(f"signer{number}@example.org", post_on=site.upstreams[number % 2])
        assert answer.status == 303, answer.text[-500:]
        assert answer.headers["Location"].endswith(f"/en/{SLUG}/thanks")
        signed.append((page.served_by, answer.served_by))
    # Both processes took signatures, and forms one process gave out were accepted by the other
    # (one SECRET_KEY): the sign page's token and cookie mean the same on every app host.
    assert {post for _, post in signed} == set(site.upstreams)
    assert any(form != post for form, post in signed), signed
    assert stored_emails(site) == sorted(f"signer{number}@example.org" for number in range(8))
    assert counted(site) == 8
    assert_count_json_everywhere(site, before + 8)
    for number in range(2):
        assert any(line[0] == "POST" and line[2] == "303" for line in site.access_lines(number)), number


def test_a_repeat_on_the_other_process_is_not_counted_again(site):
    before, _ = site.count_json()
    first, other = site.upstreams
    # The same person from another device: the repeat lands on the other process.
    _, signed = Visitor(site, "127.0.0.20").sign("repeat@example.org", post_on=first)
    _, repeated = Visitor(site, "127.0.0.21").sign("repeat@example.org", post_on=other)
    assert signed.status == repeated.status == 303
    assert signed.headers["Location"] == repeated.headers["Location"]

    # Six submissions of one address at once, half to each process: the unique constraint decides.
    visitors = [Visitor(site, f"127.0.0.{30 + number}") for number in range(6)]
    pages = [visitor.open_form() for visitor in visitors]
    answers = [None] * len(visitors)
    start = threading.Barrier(len(visitors))

    def submit(number):
        start.wait()
        answers[number] = visitors[number].post_form(pages[number], "together@example.org")

    threads = [threading.Thread(target=submit, args=(number,)) for number in range(len(visitors))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [answer.status for answer in answers] == [303] * 6
    assert {answer.served_by for answer in answers} == set(site.upstreams)

    assert stored_emails(site) == ["repeat@example.org", "together@example.org"]
    assert counted(site) == 2
    assert_count_json_everywhere(site, before + 2)


def test_one_rate_limit_for_both_processes_keyed_by_the_address_nginx_saw(site):
    # Every request claims another address, in every header a proxy might read.
    spoofer = Visitor(site, "127.0.0.50")
    answers = []
    for number in range(5):
        claimed = f"203.0.113.{number + 1}"
        spoofer.extra_headers = {"X-Forwarded-For": claimed, "X-Real-IP": claimed, "Forwarded": f"for={claimed}",
                                 "X-Forwarded-Proto": "http", "X-Forwarded-Ssl": "off"}
        _, answer = spoofer.sign(f"spoof{number}@example.org", post_on=site.upstreams[number % 2])
        answers.append(answer)
    # SIGN_RATE_LIMIT is 3 per hour: counted once in Redis, whichever process took the POST.
    assert [answer.status for answer in answers] == [303, 303, 303, 429, 429]
    assert {answer.served_by for answer in answers[3:]} == set(site.upstreams)
    assert "Retry-After" in answers[3].headers
    # Another address is another client, on either process.
    _, neighbour = Visitor(site, "127.0.0.51").sign("neighbour@example.org", post_on=site.upstreams[1])
    assert neighbour.status == 303
    assert stored_emails(site) == sorted(["neighbour@example.org", "spoof0@example.org", "spoof1@example.org",
                                          "spoof2@example.org"])
    assert counted(site) == 4

    # The app counted the address nginx saw, never one the client claimed.
    keys = [key.decode() for key in site.redis.keys("*")]
    assert any("/127.0.0.50/" in key for key in keys), keys
    assert not any("203.0.113." in key for key in keys), keys
    # And each process was told exactly that address and https, with nothing else forwarded.
    posts = [line for number in range(2) for line in site.access_lines(number) if line[0] == "POST"]
    assert len(posts) == 6
    assert {tuple(line[3:]) for line in posts} == {("127.0.0.50", "https", "-", "-"),
                                                   ("127.0.0.51", "https", "-", "-")}


def test_nginx_spreads_the_requests_of_one_kept_alive_connection_over_the_processes(site):
    """The layout relies on nginx balancing requests, not visitors or connections (README "Scale
    out"): one single-process instance per core is only used if each request may go to any of
    them. A visitor's one kept-alive connection, carried on nginx's kept-alive connections to the
    app, reaches every instance in turn. Sticky balancing (ip_hash, hash $remote_addr) fails
    this. What the layout avoids, gunicorn pinning connections to one process of a multi-process
    instance, is gunicorn's behaviour and is measured by bench/connection_split.py, not here."""
    connection = http.client.HTTPSConnection("127.0.0.1", site.https_port, context=site.tls, timeout=15)
    served_by = []
    try:
        for _ in range(10):
            connection.request("GET", f"/en/{SLUG}/count.json")
            response = connection.getresponse()
            response.read()
            assert response.status == 200 and not response.will_close
            served_by.append(response.headers.get(SERVED_BY))
    finally:
        connection.close()
    assert sorted(served_by) == sorted(site.upstreams * 5), served_by


def test_nginx_serves_static_files_redirects_to_https_and_leaves_pages_to_the_app(site):
    style = site.request("GET", "/static/site.css", headers={"Accept-Encoding": "identity"})
    assert style.status == 200 and style.served_by is None
    assert style.text == (ROOT / "campaign" / "static" / "site.css").read_text()
    assert style.headers["X-Content-Type-Options"] == "nosniff"

    page = site.request("GET", f"/ko/{SLUG}/", headers={"Accept-Encoding": "gzip"})
    assert page.status == 200 and page.served_by in site.upstreams
    assert "Content-Encoding" not in page.headers  # no compression of a page with a token (BREACH)
    assert "private" in page.headers["Cache-Control"]  # the app's, passed on, and nothing cached

    redirect = site.request("GET", f"/ko/{SLUG}/?from=kakao", port=site.http_port)
    assert redirect.status == 301
    assert redirect.headers["Location"] == f"https://{SERVER_NAME}/ko/{SLUG}/?from=kakao"


def test_a_body_over_the_app_limit_gets_the_apps_own_page(site):
    # Over MAX_CONTENT_LENGTH, under nginx's cap: the app answers, in the visitor's language.
    body = urlencode({"first_name": "x" * (DefaultConfig.MAX_CONTENT_LENGTH + 1000)})
    answer = site.request("POST", f"/ko/{SLUG}/", address="127.0.0.60", body=body,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 413 and answer.served_by in site.upstreams
    assert 'lang="ko"' in answer.text
    # Far over it, nginx refuses on the declared length alone, before reading a byte of the body.
    connection = http.client.HTTPSConnection("127.0.0.1", site.https_port, context=site.tls, timeout=15)
    try:
        connection.putrequest("POST", f"/ko/{SLUG}/")
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Content-Length", str(10 * DefaultConfig.MAX_CONTENT_LENGTH))
        connection.endheaders()
        refused = connection.getresponse()
        assert refused.status == 413 and refused.headers.get(SERVED_BY) is None
    finally:
        connection.close()
    assert stored_emails(site) == []


def body_size(directive):
    value = re.search(rf"^{directive} (\d+)k;$", (DEPLOY / "campaign-locations.conf").read_text(), re.MULTILINE)
    assert value, f"{directive} not found in deploy/nginx/campaign-locations.conf"
    return int(value.group(1)) * 1024


def test_nginx_body_limit_is_above_the_apps_and_kept_in_memory():
    """Runs without nginx: a change to MAX_CONTENT_LENGTH must be followed in deploy/nginx/."""
    limit, buffer = body_size("client_max_body_size"), body_size("client_body_buffer_size")
    assert DefaultConfig.MAX_CONTENT_LENGTH < limit <= buffer
