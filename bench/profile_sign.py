#!/usr/bin/env python3
"""Where the CPU of one signature goes: the app's Python, and PostgreSQL's backend.

    .venv/bin/python bench/profile_sign.py [--signatures 2000] [--top 25] [--campaign unhcr]

Signs `--signatures` new signers in process through Flask's test client, exactly as a browser
does (GET the sign page, POST the form with its CSRF token; rate limits on, in Redis), against a
PostgreSQL and a Redis of its own. Prints:
- CPU ms per signature of this process (the app) and of the PostgreSQL server processes
  (from /proc, so every backend and the WAL writer count), and Redis's;
- SQL statements and Redis commands per signature;
- the cProfile of the app, grouped by package (flask, werkzeug, wtforms, sqlalchemy, psycopg,
  jinja2, babel, limits, campaign ...) and the top functions by their own time.

Run on an idle machine; the figures are CPU time, so load inflates them less than wall time.
"""
import argparse
import cProfile
import os
import pstats
import re
import secrets
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from localservices import Postgres, Redis, free_port  # noqa: E402
from signing_oracle import FORMS  # noqa: E402  (the same signers as the timing oracle)
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def process_cpu_seconds(pids):
    """utime + stime of these processes, in seconds (0 for one that ended)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def postgres_pids(postgres):
    """Our cluster's postmaster and its children (other clusters on the machine are not ours)."""
    postmaster = int((postgres.directory / "data" / "postmaster.pid").read_text().split()[0])
    pids = [postmaster]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{postmaster}\n" in status:
                pids.append(int(entry.name))
    return pids


def package_of(filename):
    if "/campaign/" in filename and "site-packages" not in filename:
        return "campaign (ours)"
    match = re.search(r"site-packages/([^/]+)", filename)
    if match:
        return match.group(1).split(".")[0].lower()
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    return "python stdlib"


def build_app(database_url, redis_url):
    from flask_migrate import upgrade

    from campaign import create_app
    from campaign.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_STORAGE_URI": redis_url,
                      "SIGN_RATE_LIMIT": "1000000 per minute", "SIGN_RATE_LIMIT_ALL_CAMPAIGNS": "1000000 per minute",
                      "SIGN_CEILING_PER_CAMPAIGN": "1000000 per second", "SITE_URL": "http://petitions.test"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.session.commit()
    return app


def sign(client, slug, email):
    page = client.get(f"/en/{slug}/")
    token = TOKEN.search(page.get_data(as_text=True)).group(1)
    response = client.post(f"/en/{slug}/", data={**FORMS[slug], "email": email, "csrf_token": token})
    assert response.status_code == 303, (response.status_code, response.get_data(as_text=True)[:500])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signatures", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--campaign", choices=sorted(FORMS), default="unhcr")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="campaign-profile-") as folder:
        os.chmod(folder, 0o755)
        postgres = Postgres(Path(folder) / "pg", free_port()).start()
        redis = Redis(free_port()).start()
        try:
            run(options, postgres, redis)
        finally:
            redis.stop()
            postgres.stop()


class SigningRun:
    """The app on the given PostgreSQL and Redis, warmed up, with counters of its SQL statements."""

    def __init__(self, postgres, redis, campaign):
        from sqlalchemy import event

        from campaign.extensions import db

        self.postgres, self.redis, self.campaign = postgres, redis, campaign
        app = build_app(postgres.url.replace("postgresql://", "postgresql+psycopg://"), redis.url)
        self.client, self.tag = app.test_client(), secrets.token_hex(4)
        for n in range(50):  # warm: imports, templates, catalogs, the page cache, the pool
            sign(self.client, campaign, f"warm-{self.tag}-{n}@example.org")
        self.statements = []
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", lambda *args: self.statements.append(args[2]))
        self.redis_client = __import__("redis").Redis.from_url(redis.url)

    def _redis_calls(self):
        return sum(v["calls"] for v in self.redis_client.info("commandstats").values())

    def measure(self, signatures, label, profile=None):
        """Sign `signatures` new people (under `profile` if given): totals in seconds and counts."""
        self.statements.clear()
        redis_before = self._redis_calls()
        pg_before = process_cpu_seconds(postgres_pids(self.postgres))
        redis_cpu_before = process_cpu_seconds([self.redis.process.pid])
        cpu_before, wall_before = time.process_time(), time.perf_counter()
        if profile:
            profile.enable()
        for n in range(signatures):
            sign(self.client, self.campaign, f"{label}-{self.tag}-{n}@example.org")
        if profile:
            profile.disable()
        return {"app_cpu": time.process_time() - cpu_before, "wall": time.perf_counter() - wall_before,
                "postgres_cpu": process_cpu_seconds(postgres_pids(self.postgres)) - pg_before,
                "redis_cpu": process_cpu_seconds([self.redis.process.pid]) - redis_cpu_before,
                "statements": list(self.statements),
                "redis_calls": self._redis_calls() - redis_before - 1}  # minus our own INFO


def cpu_per_signature(postgres, redis, signatures=1000, campaign="unhcr"):
    """CPU ms per signature (GET + POST) of the app and of PostgreSQL, without a profiler, and
    the SQL statements and Redis commands each takes: bench/run.py's last rows."""
    figures = SigningRun(postgres, redis, campaign).measure(signatures, "c")
    return {"app_cpu_ms": figures["app_cpu"] * 1000 / signatures,
            "postgres_cpu_ms": figures["postgres_cpu"] * 1000 / signatures,
            "statements": len(figures["statements"]) / signatures,
            "redis_commands": figures["redis_calls"] / signatures}


def run(options, postgres, redis):
    signing = SigningRun(postgres, redis, options.campaign)
    # CPU time, not wall time: waiting on PostgreSQL or Redis is not work this process does.
    profile = cProfile.Profile(time.process_time)
    profiled = signing.measure(options.signatures, "p", profile)
    # Profiling multiplies the app's CPU: the per-package split is what matters; the CPU ms
    # without the profiler come from a second, unprofiled pass.
    plain = signing.measure(options.signatures, "q")

    cpu_before = time.process_time()
    for _ in range(options.signatures):
        signing.client.get(f"/en/{options.campaign}/")
    get_cpu = time.process_time() - cpu_before

    per = 1000 / options.signatures
    print(f"# {options.signatures} signatures of {options.campaign} (GET + POST each), PostgreSQL + Redis, "
          f"load {os.getloadavg()[0]:.1f}")
    print()
    print("| per signature (GET + POST) | value |")
    print("| --- | ---: |")
    print(f"| app CPU ms, no profiler | {plain['app_cpu'] * per:.2f} |")
    print(f"| app wall ms, no profiler | {plain['wall'] * per:.2f} |")
    print(f"| of which the GET of the sign page, app CPU ms | {get_cpu * per:.2f} |")
    print(f"| PostgreSQL CPU ms (all server processes) | {profiled['postgres_cpu'] * per:.2f} |")
    print(f"| Redis CPU ms | {profiled['redis_cpu'] * per:.3f} |")
    print(f"| SQL statements | {len(profiled['statements']) / options.signatures:.1f} |")
    if os.environ.get("SHOW_STATEMENTS"):
        from collections import Counter
        for statement, number in Counter(profiled['statements']).most_common(10):
            print(f"|   {number / options.signatures:.1f} × `{' '.join(statement.split())[:100]}` | |")
    print(f"| Redis commands | {profiled['redis_calls'] / options.signatures:.1f} |")
    print(f"| app CPU ms with cProfile (wall {profiled['wall'] * per:.2f}) | {profiled['app_cpu'] * per:.2f} |")
    print()

    stats = pstats.Stats(profile)
    by_package = defaultdict(float)
    total = 0.0
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        by_package[package_of(filename)] += tottime
        total += tottime
    print("| package (own time) | ms per signature | share |")
    print("| --- | ---: | ---: |")
    for package, seconds in sorted(by_package.items(), key=lambda item: -item[1])[:15]:
        print(f"| {package} | {seconds * per:.3f} | {seconds / total:.0%} |")
    print()
    print("| function (own time) | calls per signature | ms per signature |")
    print("| --- | ---: | ---: |")
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:options.top]
    for (filename, line, name), (_cc, calls, tottime, _ct, _callers) in rows:
        where = re.sub(r".*site-packages/", "", filename).replace(str(ROOT) + "/", "")
        print(f"| `{where}:{line} {name}` | {calls / options.signatures:.1f} | {tottime * per:.3f} |")
    print()
    print("| function (cumulative, ours and the frameworks' entry points) | ms per signature |")
    print("| --- | ---: |")
    interesting = sorted(((key, value) for key, value in stats.stats.items()
                          if "/campaign/" in key[0] or key[2] in ("full_dispatch_request", "validate_csrf",
                                                                  "generate_csrf", "render_template", "commit",
                                                                  "hit", "execute")),
                         key=lambda item: -item[1][3])[:options.top]
    for (filename, line, name), (_cc, _calls, _tottime, cumtime, _callers) in interesting:
        where = re.sub(r".*site-packages/", "", filename).replace(str(ROOT) + "/", "")
        print(f"| `{where}:{line} {name}` | {cumtime * per:.3f} |")


if __name__ == "__main__":
    main()
