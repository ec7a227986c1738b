#!/usr/bin/env python3
"""Time `flask delivery build` with N signatures (default 100,000) per campaign, on SQLite.

    .venv/bin/python bench/delivery.py [--signatures 100000] [--only congress|xi|unhcr]

Fills a temporary database with counted signatures shaped like real ones (Hangul, Han and Latin
names; congress signers spread over the real ZIP → district table, xi and unhcr over 12
countries), then runs the build once per campaign in its own process and prints wall time,
peak memory (max RSS of that process), packets and bytes written. Stops by itself.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
NAMES = [("민준", "김", "ko"), ("서연", "이", "ko"), ("美玲", "陳", "zh-Hant"), ("伟", "王", "zh-Hans"),
         ("Mei", "Chen", "en"), ("Grace", "Park", "en"), ("Anna", "Smith", "en"), ("José", "García", "en")]
CITIES = ["Los Angeles", "서울", "台北", "Toronto", "Fullerton", "上海", "New York", "Annandale"]
COUNTRIES = ["US", "KR", "JP", "CA", "GB", "DE", "TW", "FR", "AU", "KE", "MC", "BR"]


def fill(database, signatures, campaigns):
    """Insert the signatures and their counters directly (signing 300,000 times would time the form)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "FLASK_SKIP_DOTENV": "1"}
    subprocess.run([*FLASK, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*FLASK, "data", "import"], env=env, cwd=ROOT, check=True, capture_output=True)
    sys.path.insert(0, str(ROOT))
    os.environ.update(env)
    from sqlalchemy import insert, select

    from campaign import create_app
    from campaign.extensions import db
    from campaign.models import Signature, SignatureCounter, ZipDistrict

    app = create_app()
    with app.app_context():
        rng = random.Random(2026)
        seats = db.session.execute(select(ZipDistrict.state, ZipDistrict.district).distinct()).all()
        for slug in campaigns:
            batch = []
            for number in range(signatures):
                first, last, locale = rng.choice(NAMES)
                state, district = rng.choice(seats)
                batch.append(dict(
                    campaign=slug, identity_key=f"bench-{slug}-{number}", first_name=first,
                    last_name=f"{last}{number}" if locale == "en" else last, email=f"s{number}@example.org",
                    street_address="1 Private Road" if slug == "congress" else None,
                    district=f"{state}-{district:02d}" if slug == "congress" else None, city=rng.choice(CITIES),
                    region=state if slug == "congress" else None, postal_code="00000" if slug == "congress" else None,
                    country="US" if slug == "congress" else rng.choice(COUNTRIES), locale=locale, source="web",
                    status="counted"))
                if len(batch) == 10_000:
                    db.session.execute(insert(Signature), batch)
                    batch = []
            if batch:
                db.session.execute(insert(Signature), batch)
            db.session.add(SignatureCounter(campaign=slug, shard=0, count=signatures))
            db.session.commit()
    return env


TIMED = """
import resource, sys, time
start = time.perf_counter()
from campaign import create_app
app = create_app()
result = app.test_cli_runner().invoke(args=["delivery", "build", sys.argv[1], "--out", sys.argv[2],
                                            "--generated-at", "2026-07-14T09:00:00"])
assert result.exit_code == 0, result.output
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signatures", type=int, default=100_000)
    parser.add_argument("--only", choices=["congress", "xi", "unhcr"])
    args = parser.parse_args()
    campaigns = [args.only] if args.only else ["congress", "xi", "unhcr"]
    with tempfile.TemporaryDirectory(prefix="bench-delivery-") as workdir:
        database = Path(workdir) / "bench.sqlite3"
        started = time.perf_counter()
        env = fill(database, args.signatures, campaigns)
        print(f"filled {args.signatures:,} signatures x {len(campaigns)} campaigns in "
              f"{time.perf_counter() - started:.0f} s", flush=True)
        print("\n| campaign | signatures | packets | MB written | seconds | peak RSS (MB) |")
        print("|---|---:|---:|---:|---:|---:|")
        for slug in campaigns:
            out = Path(workdir) / slug
            result = subprocess.run([sys.executable, "-c", TIMED, slug, str(out)], env=env, cwd=ROOT,
                                    capture_output=True, text=True)
            if result.returncode != 0:
                sys.exit(result.stdout + result.stderr)
            seconds, peak = map(float, result.stdout.split())
            files = list(out.rglob("*.pdf"))
            size = sum(path.stat().st_size for path in files) / 1e6
            print(f"| {slug} | {args.signatures:,} | {len(files)} | {size:.1f} | {seconds:.1f} | {peak:.0f} |",
                  flush=True)


if __name__ == "__main__":
    main()
