"""The running tally (migration 0018's triggers, petitions/tally.py) always equals a count of the
signature table, whatever writes it: signing, repeats, confirming, hiding and showing again,
erasure, deletion, a statement typed by hand. On PostgreSQL, concurrent signers and a bulk hide
neither deadlock nor lose a count."""
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
from sqlalchemy import delete, func, select, text, update

from campaign.extensions import db
from campaign.models import (SIGNATURE_COUNTED, SIGNATURE_HIDDEN, SIGNATURE_PENDING, Signature,
                            SignatureTally)
from campaign.petitions.tally import tally
from campaign.privacy import erase
from conftest import confirm_pending, sign
from test_million_rows import add  # an xi signature written straight to the table

STATUSES = ("pending", "counted", "erased", "hidden")


def counted_by_hand(slug, status):
    """What the tally should hold: the signature table counted in Python."""
    values = {}
    for row in db.session.execute(select(Signature).where(Signature.campaign == slug, Signature.status == status)
                                  ).scalars():
        pairs = [("day", row.created_at.astimezone(timezone.utc).date().isoformat()), ("country", row.country),
                 ("region", row.region), ("district", row.district), ("locale", row.locale),
                 ("withheld", "yes" if row.name_withheld else None)]
        for dimension, value in pairs:
            if value:
                values.setdefault(dimension, Counter())[value] += 1
    return {dimension: dict(counts) for dimension, counts in values.items()}


def assert_tally_is_exact(app):
    with app.app_context():
        for slug in ("congress", "xi", "unhcr"):
            for status in STATUSES:
                assert tally(slug, (status,)).values == counted_by_hand(slug, status), (slug, status)


def test_the_tally_follows_every_kind_of_write(app, client):
    sign(client, "congress")
    sign(client, "congress", first_name="Dana", zip_code="10001", state="NY", city="New York", lang="ko")
    sign(client, "xi", lang="zh-Hans")
    sign(client, "xi", email="second@example.org", country="KR", lang="ko")
    sign(client, "unhcr")
    assert_tally_is_exact(app)

    # A pending signer signs again from another country: the row moves from CA to JP.
    sign(client, "xi", country="JP", lang="zh-Hant")
    assert_tally_is_exact(app)
    confirm_pending(app)
    assert_tally_is_exact(app)

    # Rows written without the app's signing code, on other days, with names withheld.
    long_ago = datetime.now(timezone.utc) - timedelta(days=40)
    for number in range(6):
        add(app, first_name=f"Old{number}", created_at=long_ago + timedelta(days=number), name_withheld=number % 2 == 0,
            country=("KR", "US", None)[number % 3], status=SIGNATURE_COUNTED)
    pending = add(app, first_name="Waiting", email="waiting@example.org", status=SIGNATURE_PENDING, country="TW")
    assert_tally_is_exact(app)

    with app.app_context():
        # A bulk hide, and one of them shown again (organisers/moderation.py does the same).
        db.session.execute(update(Signature).where(Signature.first_name.like("Old%"))
                           .values(status=SIGNATURE_HIDDEN))
        db.session.execute(update(Signature).where(Signature.first_name == "Old1").values(status=SIGNATURE_COUNTED))
        # A change by hand to the columns the tally counts, and to one it does not.
        db.session.execute(update(Signature).where(Signature.first_name == "Old2")
                           .values(country="CN", locale="zh-Hans", name_withheld=True))
        db.session.execute(update(Signature).values(city="Somewhere"))
        db.session.execute(delete(Signature).where(Signature.id == pending))
        db.session.commit()
    assert_tally_is_exact(app)

    with app.app_context():
        erase(email="mei.chen@example.org")
        db.session.commit()
    assert_tally_is_exact(app)

    with app.app_context():
        db.session.execute(delete(Signature))
        db.session.commit()
        # Each row counts the signatures it names, so with none left no row is left either:
        # nothing says that someone from a place signed on a day in a language.
        assert db.session.execute(select(SignatureTally)).scalars().all() == []


@pytest.fixture
def postgresql_url(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0].split("+")[0] != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL only (SQLite has one writer at a time)")
    return app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg://", "postgresql://")


def test_concurrent_signers_and_a_bulk_hide_neither_deadlock_nor_lose_a_count(app, postgresql_url):
    """Eight signers write at once, each signature its own autocommit statement as signing does,
    while an organiser hides and shows every other signature of the campaign in one statement at
    a time: none fails (tally rows are locked in key order), no count is lost, and no row is
    below zero or left at zero."""
    errors, signers, per_signer = [], 8, 40
    stop = threading.Event()

    def signer(number):
        try:
            with psycopg.connect(postgresql_url, autocommit=True) as connection:
                for index in range(per_signer):
                    connection.execute(
                        "INSERT INTO signature (campaign, identity_key, first_name, last_name, locale, country, "
                        "source, created_at, status, name_withheld) VALUES ('xi', %s, 'A', 'B', %s, %s, 'web', "
                        "now() - %s * interval '1 day', 'counted', %s)",
                        (f"{number}-{index}", ("ko", "en", "zh-Hans")[index % 3], ("KR", "US", "JP", "CA")[index % 4],
                         index % 5, index % 2 == 0))
        except Exception as error:  # a deadlock surfaces here
            errors.append(error)

    def organiser():
        try:
            with psycopg.connect(postgresql_url, autocommit=True) as connection:
                while not stop.is_set():
                    for status in ("hidden", "counted"):
                        connection.execute("UPDATE signature SET status = %s WHERE campaign = 'xi' AND id %% 2 = 0 "
                                           "AND status <> 'pending'", (status,))
        except Exception as error:
            errors.append(error)

    moderation = threading.Thread(target=organiser)
    moderation.start()
    threads = [threading.Thread(target=signer, args=(number,)) for number in range(signers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    moderation.join()
    assert errors == []
    assert_tally_is_exact(app)
    with app.app_context():
        assert sum(tally("xi", (status,)).total for status in STATUSES) == signers * per_signer
        assert db.session.execute(select(func.min(SignatureTally.count))).scalar_one() > 0


def test_emptying_the_signature_table_at_once_empties_the_tally(app, client):
    """TRUNCATE (an operator clearing a test campaign, a restore script) fires no row trigger; the
    tally must not go on counting signatures that are gone. SQLite has no TRUNCATE: its DELETE
    without WHERE runs the row triggers (the other test covers it)."""
    sign(client, "xi")
    sign(client, "unhcr")
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("TRUNCATE is PostgreSQL's; SQLite's DELETE FROM signature is covered above")
        db.session.execute(text("TRUNCATE signature CASCADE"))
        db.session.commit()
        assert db.session.execute(select(func.count()).select_from(SignatureTally)).scalar_one() == 0
    assert_tally_is_exact(app)
