#!/usr/bin/env python3
"""How wrk's (or nginx's) keep-alive connections spread over gunicorn's worker processes, and
what that does to the sign page and to signing.

    .venv/bin/python bench/connection_split.py [--rounds 2] [--seconds 10] [--cap 16]

gunicorn's workers share one listening socket, and a connection stays with the process that
accepted it. wrk's 32 keep-alive connections (and nginx's upstream keepalive pool,
deploy/nginx/campaign.conf) can therefore all land on one of the two processes, whose GIL then
serves every request while the other idles. This serves the site as bench/run.py does, on
PostgreSQL, with gunicorn's defaults and then with `--worker-connections CAP` (a process
accepts no more than CAP connections, so 32 split 16/16), and prints for each: signatures/s
(32 signers), the sign page's req/s, and how many connections each process held halfway
through the signing. bench/run.py serves with that cap (run.connection_share()); this shows
what it changes.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (bench/run.py: serve, wrk, sign, migrate, the settings)
from localservices import Postgres, Redis, free_port  # noqa: E402


def connections_per_process(port):
    """Established connections to `port`, counted per process, most first."""
    out = subprocess.run(["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
                         capture_output=True, text=True).stdout
    return sorted(Counter(re.findall(r"pid=(\d+)", out)).values(), reverse=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--cap", type=int, default=run.connection_share(),
                        help="--worker-connections to compare with the default")
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="campaign-connection-split-"))
    os.chmod(workdir, 0o755)
    redis = Redis(free_port()).start()
    postgres = Postgres(workdir / "pg", free_port()).start()
    print("| round | gunicorn | signatures/s | p99 ms | connections per process | sign page req/s |\n"
          "| --- | --- | ---: | ---: | --- | ---: |")
    try:
        run.migrate(postgres.url)
        for number in range(options.rounds):
            for arguments in ("", f"--worker-connections {options.cap}"):
                env = {**run.site_settings(redis.url), "DATABASE_URL": postgres.url, "GUNICORN_CMD_ARGS": arguments}
                site = run.serve("wsgi:app", env, "site.log", workdir)
                try:
                    base = f"http://127.0.0.1:{site.port}"
                    run.wrk(base + "/en/unhcr/", 2)  # warm every worker
                    seen = {}
                    look = threading.Timer(options.seconds / 2, lambda: seen.update(split=connections_per_process(site.port)))
                    look.start()
                    signing = run.sign(base, options.seconds, f"split{number}x{len(arguments)}")
                    look.join()
                    page = run.wrk(base + "/en/congress/", options.seconds)
                finally:
                    site.stop()
                print(f"| {number + 1} | {arguments or 'defaults'} | {signing['thanks'] / options.seconds:.0f} | "
                      f"{signing['p99']:.0f} | {seen.get('split')} | {page['rps']:.0f} |", flush=True)
    finally:
        postgres.stop()
        redis.stop()


if __name__ == "__main__":
    main()
