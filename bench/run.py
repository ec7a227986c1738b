#!/usr/bin/env python3
"""Benchmark the site against a hello-world reference, on PostgreSQL and SQLite, empty and with
1,000,000 signatures. Everything runs on 127.0.0.1 and stops by itself.

    .venv/bin/python bench/run.py [--seconds 10] [--rows 1000000] [--only postgresql|sqlite]

Needs wrk, postgresql and redis-server from Debian. Prints a Markdown table of requests/s,
p50 and p99 (wrk), ratios to the reference, accepted signatures/s and lost signatures.
"""
import argparse
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from localservices import Gunicorn, Postgres, Redis, free_port  # noqa: E402

WRK_CONNECTIONS = 32
SIGNERS = 32  # concurrent signers: one wrk thread and connection each


def parse_wrk(output):
    def latency_ms(label):
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency_ms("50"),
        "p99": latency_ms("99"),
        "non_2xx": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0,
        "errors": sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output)),
        "thanks": int(m.group(1)) if (m := re.search(r"^THANKS (\d+)", output, re.M)) else None,
    }


def wrk(url, seconds, threads=2, connections=WRK_CONNECTIONS, script=None, script_args=()):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        command += ["-s", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"wrk failed on {url} (is the server up? see its log):\n{result.stdout}{result.stderr}")
    return parse_wrk(result.stdout)


def serve(app_module, env, log_name, workdir):
    """The site or the reference, under the production gunicorn settings (gunicorn.conf.py)."""
    log = open(workdir / log_name, "w")
    return Gunicorn(free_port(), env, workers=os.cpu_count() * 2, threads=4, log=log, app=app_module).start()


def migrate(database_url):
    subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT,
                   env={**os.environ, "DATABASE_URL": database_url}, check=True, capture_output=True)


def row_count(kind, target):
    if kind == "postgresql":
        return int(target.psql("SELECT count(*) FROM signature"))
    with sqlite3.connect(target) as connection:
        return connection.execute("SELECT count(*) FROM signature").fetchone()[0]


def load_rows(kind, target, rows):
    """Fill `signature` with `rows` synthetic signers of xi (COPY on PostgreSQL, batches on SQLite)."""
    started = time.monotonic()
    if kind == "postgresql":
        sql = (
            "INSERT INTO signature (campaign, identity_key, first_name, last_name, email, city, region, country,"
            " locale, source, created_at) SELECT 'xi', md5('bulk' || n) || md5('key' || n), 'Bulk', 'Signer',"
            " 'bulk' || n || '@example.org', 'Seoul', 'Seoul', 'KR', 'ko', 'import', now()"
            f" FROM generate_series(1, {rows}) AS n;"
            f" INSERT INTO signature_counter (campaign, shard, count) VALUES ('xi', 0, {rows})"
            f" ON CONFLICT (campaign, shard) DO UPDATE SET count = signature_counter.count + {rows};"
            " ANALYZE signature;"
        )
        target.psql(sql)
    else:
        import hashlib

        with sqlite3.connect(target) as connection:
            batch = 50_000
            for start in range(0, rows, batch):
                connection.executemany(
                    "INSERT INTO signature (campaign, identity_key, first_name, last_name, email, city, region,"
                    " country, locale, source, created_at) VALUES ('xi', ?, 'Bulk', 'Signer', ?, 'Seoul', 'Seoul',"
                    " 'KR', 'ko', 'import', '2026-11-28 00:00:00.000000+00:00')",
                    ((hashlib.sha256(f"bulk{n}".encode()).hexdigest(), f"bulk{n}@example.org")
                     for n in range(start, min(start + batch, rows))))
            connection.execute(
                "INSERT INTO signature_counter (campaign, shard, count) VALUES ('xi', 0, ?) ON CONFLICT (campaign,"
                " shard) DO UPDATE SET count = signature_counter.count + excluded.count", (rows,))
            connection.execute("ANALYZE")
    return time.monotonic() - started


def measure_site(kind, target, url, env, workdir, seconds, label, reference_rps):
    server = serve("wsgi:app", env, f"site-{kind}-{label}.log", workdir)
    results = []
    try:
        base = f"http://127.0.0.1:{server.port}"
        # Warm every worker (imports, templates, locale data) before measuring.
        for path in ("/en/congress/", "/ko/congress/", "/en/unhcr/"):
            wrk(base + path, 2)
        for name, path in (("GET /en/congress/", "/en/congress/"), ("GET /ko/congress/", "/ko/congress/"),
                           ("GET /en/xi/count.json", "/en/xi/count.json")):
            figures = wrk(base + path, seconds)
            results.append((f"{kind}, {label}", name, figures, figures["rps"] / reference_rps))
        before = row_count(kind, target)
        figures = wrk(base + "/en/unhcr/", seconds, threads=SIGNERS, connections=SIGNERS,
                      script=ROOT / "bench" / "sign.lua", script_args=["/en/unhcr/", f"{kind}{label}".replace(" ", "").replace(",", "")])
        new_rows = row_count(kind, target) - before
        figures["signatures_per_s"] = figures["thanks"] / seconds
        figures["lost"] = figures["thanks"] - new_rows
        results.append((f"{kind}, {label}", "sign (GET form + POST)", figures, None))
    finally:
        server.stop()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    options = parser.parse_args()
    for tool in ("wrk", "redis-server"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found: apt-get install wrk redis-server postgresql")

    workdir = Path(tempfile.mkdtemp(prefix="campaign-bench-"))
    redis = Redis(free_port()).start()
    common = {"CAMPAIGN_ENV": "production", "SECRET_KEY": secrets.token_hex(32), "RATELIMIT_STORAGE_URI": redis.url,
              "SITE_URL": "https://petitions.example.org", "HSTS_SECONDS": "31536000",
              "MAIL_ALLOW_PLAINTEXT": "true",  # no email is sent by the benchmark
              # Many signers behind one test client: the proxy count makes X-Forwarded-For the client.
              "PROXY_FIX": "1", "SIGN_RATE_LIMIT": "1000 per minute", "SIGN_RATE_LIMIT_ALL_CAMPAIGNS": "1000 per minute",
              "SESSION_COOKIE_SECURE": "0"}
    rows = []
    postgres = None
    try:
        reference_server = serve("bench.hello:app", common, "hello.log", workdir)
        try:
            wrk(f"http://127.0.0.1:{reference_server.port}/", 2)  # warm-up, as for the site
            reference = wrk(f"http://127.0.0.1:{reference_server.port}/", options.seconds)
        finally:
            reference_server.stop()
        rows.append(("reference", "GET / (hello world)", reference, 1.0))

        kinds = [options.only] if options.only else ["postgresql", "sqlite"]
        for kind in kinds:
            if kind == "postgresql":
                os.chmod(workdir, 0o755)
                postgres = Postgres(workdir / "pg", free_port()).start()
                target, url = postgres, postgres.url
            else:
                target = workdir / "bench.sqlite3"
                url = f"sqlite:///{target}"
            migrate(url)
            env = {**common, "DATABASE_URL": url}
            rows += measure_site(kind, target, url, env, workdir, options.seconds, "empty", reference["rps"])
            seconds_loading = load_rows(kind, target, options.rows)
            print(f"# loaded {options.rows:,} rows into {kind} in {seconds_loading:.1f} s", flush=True)
            rows += measure_site(kind, target, url, env, workdir, options.seconds, f"{options.rows:,} rows",
                                 reference["rps"])
            if postgres:
                postgres.stop()
                postgres = None
    finally:
        redis.stop()
        if postgres:
            postgres.stop()

    print(f"\n{os.cpu_count()} cores; wrk {WRK_CONNECTIONS} connections for GETs, {SIGNERS} signers; "
          f"{options.seconds} s per line; gunicorn gthread, {os.cpu_count() * 2} workers x 4 threads\n")
    print("| database | request | req/s | p50 ms | p99 ms | vs hello | signatures/s | lost | non-2xx/3xx |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for database, request, figures, ratio in rows:
        ratio_text = "" if ratio is None else f"{ratio:.0%}"
        signing = f"{figures['signatures_per_s']:.0f}" if "signatures_per_s" in figures else ""
        print(f"| {database} | {request} | {figures['rps']:.0f} | {figures['p50']:.1f} | {figures['p99']:.1f} | "
              f"{ratio_text} | {signing} | {figures.get('lost', '')} | {figures['non_2xx']} |")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
