#!/usr/bin/env python3
"""Does answering a repeat signer take as long as answering a new one? (the timing oracle)

    .venv/bin/python bench/signing_oracle.py [--samples 200] [--campaign unhcr|xi] [--database URL]

A stranger who types someone's address must not learn from the response time whether that
person signed. This posts the sign form in process (Flask's test client, CSRF off and rate limits
out of reach, so only the signing path is timed) for `--samples` new addresses and as many addresses
that signed and confirmed long ago (each gets its "you have already signed" email), alternating
the two so that drift on a noisy machine falls on both alike. It prints both medians and their
difference; the goal is under 10 %. SQLite in a temporary file unless --database names another.
Stops by itself.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FORMS = {
    "unhcr": {"first_name": "Ji-woo", "last_name": "Lee", "country": "KR", "updates": "y"},
    "xi": {"first_name": "Mei", "last_name": "Chen", "city": "Toronto", "region": "Ontario", "country": "CA",
           "email_use": "petition_updates"},
}


def build_app(database_url):
    from flask_migrate import upgrade

    from campaign import create_app
    from campaign.extensions import db

    unlimited = "1000000 per minute"
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False,
                      "SIGN_RATE_LIMIT": unlimited, "SIGN_RATE_LIMIT_ALL_CAMPAIGNS": unlimited,
                      "SIGN_CEILING_PER_CAMPAIGN": unlimited, "SITE_URL": "http://petitions.test"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.session.commit()
    return app


def timed_post(client, slug, email):
    started = time.perf_counter()
    response = client.post(f"/en/{slug}/", data={**FORMS[slug], "email": email})
    elapsed = time.perf_counter() - started
    assert response.status_code == 303, response.status_code
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--campaign", choices=sorted(FORMS), default="unhcr")
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = options.database or f"sqlite:///{Path(folder) / 'oracle.sqlite3'}"
        app = build_app(url)
        from sqlalchemy import select, update

        from campaign.campaigns import definitions
        from campaign.extensions import db
        from campaign.models import Signature, utcnow
        from campaign.petitions.confirmation import confirm_signature

        slug = options.campaign
        definition = {d.slug: d for d in definitions()}[slug]
        run = os.getpid()
        client = app.test_client()
        signed = [f"signed-{run}-{n}@example.org" for n in range(options.samples)]
        with app.app_context():
            for address in signed:
                timed_post(client, slug, address)
            for signature_id in db.session.execute(select(Signature.id).where(Signature.email.in_(signed))).scalars():
                confirm_signature(definition, signature_id)
            # Their last email went out long ago: each repeat below may email again.
            db.session.execute(update(Signature).values(confirmation_sent_at=utcnow() - timedelta(days=1)))
            db.session.commit()
        for warm_up in range(20):  # first requests build caches: time neither kind with them
            timed_post(client, slug, f"warm-{run}-{warm_up}@example.org")
        new, repeat = [], []
        for n in range(options.samples):
            new.append(timed_post(client, slug, f"new-{run}-{n}@example.org"))
            repeat.append(timed_post(client, slug, signed[n]))
        with app.app_context():
            from campaign.models import OutboxMessage
            kinds = dict(db.session.execute(
                select(OutboxMessage.kind, db.func.count()).group_by(OutboxMessage.kind)).all())

    new_ms, repeat_ms = statistics.median(new) * 1000, statistics.median(repeat) * 1000
    difference = abs(new_ms - repeat_ms) / max(new_ms, repeat_ms) * 100
    print(f"campaign {slug}, {options.samples} samples each, {url.split(':')[0]}")
    print(f"  new signer     median {new_ms:6.2f} ms")
    print(f"  repeat signer  median {repeat_ms:6.2f} ms")
    print(f"  difference     {difference:5.1f} %  (goal < 10 %)")
    print(f"  emails queued  {kinds}")
    return 0 if difference < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
