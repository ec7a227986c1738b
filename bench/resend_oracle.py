#!/usr/bin/env python3
"""Does "Send the email again" on the thanks page take as long for every address? (the timing oracle)

    .venv/bin/python bench/resend_oracle.py [--samples 300] [--campaign unhcr|xi] [--database URL]

The resend form asks for an address and always answers with the same redirect. Its time must not
tell a stranger whether the address signed (pending), confirmed (counted) or was never used: a
pending one gets a new link, a counted one "you have already signed", and an unknown one the same
work on a stand-in that is never stored (petitions/confirmation.py, resend_to_address). This posts
the form in process for the three kinds in turn, with every address's resend window reopened
before each round, and prints the medians and the largest difference; the goal is under 10 %.
SQLite in a temporary file unless --database names another.
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
    "xi": {"first_name": "Mei", "last_name": "Chen", "city": "Toronto", "country": "CA",
           "email_use": "petition_updates"},
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--campaign", choices=sorted(FORMS), default="unhcr")
    parser.add_argument("--database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = args.database or f"sqlite:///{os.path.join(tmp, 'oracle.sqlite3')}"
        medians = run(database, args.campaign, args.samples)
    for kind, value in medians.items():
        print(f"{kind:8} median {value:.2f} ms")
    spread = (max(medians.values()) - min(medians.values())) / min(medians.values()) * 100
    print(f"largest difference {spread:.1f} % (goal: under 10 %)")


def run(database, slug, samples):
    from flask_migrate import upgrade
    from sqlalchemy import select, update

    from campaign import create_app
    from campaign.campaigns import definitions
    from campaign.extensions import db
    from campaign.models import Signature, utcnow
    from campaign.petitions.confirmation import confirm_signature

    unlimited = "1000000 per minute"
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "WTF_CSRF_ENABLED": False, "SITE_URL": "https://p.example",
                      "SIGN_RATE_LIMIT": unlimited, "SIGN_RATE_LIMIT_ALL_CAMPAIGNS": unlimited,
                      "CONFIRM_RESEND_RATE_LIMIT": unlimited, "SIGN_CEILING_PER_CAMPAIGN": unlimited})
    definition = next(d for d in definitions() if d.slug == slug)
    with app.app_context():
        upgrade()
    client = app.test_client()
    for kind in ("pending", "counted"):
        client.post(f"/en/{slug}/", data={**FORMS[slug], "email": f"{kind}@example.org", "website": ""})
    with app.app_context():
        counted = db.session.execute(select(Signature.id).where(Signature.email == "counted@example.org")).scalar_one()
        confirm_signature(definition, counted)
    times = {"pending": [], "counted": [], "unknown": []}
    for _round in range(samples):
        with app.app_context():
            db.session.execute(update(Signature).values(confirmation_sent_at=utcnow() - timedelta(hours=1)))
            db.session.commit()
        for kind, measured in times.items():
            start = time.perf_counter()
            response = client.post(f"/en/{slug}/thanks/resend", data={"email": f"{kind}@example.org"})
            measured.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 303, response.status_code
    return {kind: statistics.median(measured) for kind, measured in times.items()}


if __name__ == "__main__":
    main()
