#!/usr/bin/env python3
"""Does group commit help signing? PostgreSQL's commit_delay, off and on, alternately.

    .venv/bin/python bench/group_commit.py [--delay 1000] [--rounds 3] [--seconds 10]

Issue 17 asks for batching commits across concurrent requests "if PostgreSQL's fsync is the
limit". PostgreSQL has it built in: with `commit_delay` (µs) a committing backend waits that long
before flushing the WAL when `commit_siblings` (5) other transactions are open, so that one fsync
carries several commits. This serves the site as bench/run.py does (gunicorn, production
settings, 32 signers with wrk and bench/sign.lua, a PostgreSQL and Redis of its own) and signs
for `--seconds` with commit_delay 0, then `--delay`, `--rounds` times, changing only that setting
(ALTER SYSTEM and a reload) between rounds. The table grows from round to round, so compare each
pair, not the first round with the last.
"""
import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (bench/run.py: serve, wrk, sign, migrate, the settings)
from localservices import Postgres, Redis, free_port  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--delay", type=int, default=1000, help="commit_delay to compare with 0, in µs")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="campaign-group-commit-"))
    os.chmod(workdir, 0o755)
    redis = Redis(free_port()).start()
    postgres = Postgres(workdir / "pg", free_port()).start()
    server = None
    try:
        run.migrate(postgres.url)
        server = run.serve("wsgi:app", {**run.site_settings(redis.url), "DATABASE_URL": postgres.url}, "site.log",
                           workdir)
        base = f"http://127.0.0.1:{server.port}"
        run.wrk(base + "/en/unhcr/", 2)  # warm every worker
        print("| round | commit_delay, µs | signatures/s | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: | ---: |")
        for number in range(options.rounds):
            for delay in (0, options.delay):
                postgres.psql(f"ALTER SYSTEM SET commit_delay = {delay}")
                postgres.psql("SELECT pg_reload_conf()")
                figures = run.sign(base, options.seconds, f"groupcommit{number}x{delay}")
                print(f"| {number + 1} | {delay} | {figures['thanks'] / options.seconds:.0f} | "
                      f"{figures['p50']:.1f} | {figures['p99']:.1f} |", flush=True)
    finally:
        if server:
            server.stop()
        postgres.stop()
        redis.stop()


if __name__ == "__main__":
    main()
