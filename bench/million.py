#!/usr/bin/env python3
"""Organiser pages, results, exports and privacy commands: empty against 1,000,000 signatures.

    .venv/bin/python bench/million.py [--rows 1000000] [--repeats 5] [--only postgresql|sqlite]

Starts a PostgreSQL of its own on a free port (localservices.Postgres; SQLite is a temporary
file), migrates it and measures each figure three times: on the empty database, with SMALL_ROWS
(20,000) signatures and with `rows`, spread over the campaigns, countries, states, districts and
languages as signers spread, some pending or hidden, each with its consent answers, an email
where the campaign keeps one, the emails of the last 30 days in the outbox. It prints a Markdown
table: the median of `repeats` runs, the ratios to empty (the goal: within 2x) and to 20k (where
every page already shows as many lines, so only the data grew). bench/README.md, "A million
signatures", has the results.

How each figure is taken (in this process, through the Flask test client or CLI runner, so it
is the server's own time: query, rendering and the response body, without the network):
- pages: one request each after a warm-up. The results pages and their JSON are built anew
  on every request: RESULTS_CACHE_SECONDS=0 turns off the per-process cache (results._cached
  and aggregates.place_counts rebuild when it is 0), so the GROUP BY runs each time.
- search: the organisers' search form posted with a rare name, and with an email address.
- CSV export: in a child process, the whole export of one campaign streamed and thrown away;
  it gives rows per second and the growth of the resident size, read at every chunk. An export
  of nothing has no rate, so it compares 20k with `rows`, per row; memory must not grow.
- `flask privacy erase EMAIL`: one person who signed two campaigns, with their consents and
  emails, planted before each run.
- `flask privacy anonymise`: the daily run with nothing left to do (the closed campaign already
  anonymised) and the first run after a campaign closed; that one does work in proportion to
  the campaign's signers, so its ratio compares the time per signer, 20k with `rows`.

bench/run.py calls measure(database_url, rows) and prints the rows it returns.
"""
import argparse
import base64
import bisect
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL = 2.0
SMALL_ROWS = 20_000  # the rows an export or an anonymisation of the "empty" database works on
ERASE_EMAIL = "erase.me.{n}@example.org"
RARE_NAME = "Zyxwvutsrq"  # one signer in the full database, no one in the empty one
DAY_SECONDS = 86_400

# How signers spread: the campaign (share), then its countries, states, languages.
CAMPAIGNS = (("congress", 55), ("xi", 35), ("unhcr", 10))
US_STATES = (("CA", 53, 30), ("NY", 26, 14), ("NJ", 12, 8), ("TX", 38, 7), ("VA", 11, 6), ("WA", 10, 5),
             ("IL", 17, 4), ("GA", 14, 4), ("MD", 8, 3), ("MA", 9, 3), ("PA", 17, 3), ("HI", 2, 2), ("AK", 0, 1),
             ("FL", 28, 4), ("NV", 4, 2), ("CO", 8, 2), ("MN", 8, 1), ("NC", 14, 1))
CITIES = {"CA": ("Los Angeles", "Fullerton", "Irvine", "San Jose"), "NY": ("New York", "Flushing"),
          "NJ": ("Fort Lee", "Palisades Park"), "TX": ("Houston", "Dallas"), "VA": ("Annandale", "Centreville"),
          "KR": ("Seoul", "Busan", "Incheon"), "CA_": ("Toronto", "Vancouver"), "JP": ("Tokyo", "Osaka"),
          "TW": ("Taipei", "Kaohsiung"), "HK": ("Hong Kong",), "GB": ("London",), "AU": ("Sydney",),
          "DE": ("Berlin",), "US": ("New York", "Los Angeles"), "FR": ("Paris",)}
COUNTRIES = (("KR", 35), ("US", 20), ("CA", 8), ("JP", 8), ("TW", 8), ("HK", 5), ("GB", 5), ("AU", 4), ("DE", 3),
             ("FR", 2), (None, 2))
LOCALES = {"congress": (("en", 50), ("ko", 35), ("zh-Hans", 8), ("zh-Hant", 7)),
           "xi": (("ko", 45), ("en", 25), ("zh-Hant", 15), ("zh-Hans", 15)),
           "unhcr": (("ko", 50), ("en", 35), ("zh-Hans", 8), ("zh-Hant", 7))}
FIRST = ("Minji", "Jiwoo", "Seo-yeon", "Young", "Mei", "Wei", "Hana", "David", "Grace", "민준", "서연", "美玲", "志明")
LAST = ("Kim", "Lee", "Park", "Choi", "Jung", "Chen", "Wang", "Lin", "Huang", "김", "이", "박", "陳", "林", "王")
# The consent each campaign asks (petitions/signing.py stores these and name_delivery).
CONSENT = {"congress": ("follow_up_email", (("yes", 25), ("no", 75))),
           "xi": ("email_use", (("count_only", 50), ("petition_updates", 35), ("coalition_news", 15))),
           "unhcr": ("updates", (("yes", 40), ("no", 60)))}
SIGNATURE_COLUMNS = ("id", "campaign", "identity_key", "first_name", "last_name", "email", "district", "city",
                     "region", "postal_code", "country", "locale", "source", "letter_version", "created_at", "status",
                     "email_key", "confirmed_at", "confirmation_sent_at", "reference", "name_withheld", "hidden_at",
                     "hidden_reason")
CONSENT_COLUMNS = ("signature_id", "purpose", "choice", "wording_version", "locale", "given_at")
OUTBOX_COLUMNS = ("signature_id", "campaign", "kind", "locale", "to_address", "from_address", "subject", "body_text",
                  "body_html", "headers", "message_id", "status", "attempts", "next_attempt_at", "created_at",
                  "sent_at")
BODY_TEXT = "Thank you for signing. Please confirm your address with the button below. " * 6
BODY_HTML = "<p>" + BODY_TEXT + "</p>" * 2


_CUMULATIVE = {}


def _weighted(rng, pairs):
    """A value of (value, ..., weight) pairs, drawn by weight (cumulative weights worked out once)."""
    if id(pairs) not in _CUMULATIVE:
        total, cumulative = 0, []
        for pair in pairs:
            total += pair[-1]
            cumulative.append(total)
        _CUMULATIVE[id(pairs)] = (pairs, cumulative)
    cumulative = _CUMULATIVE[id(pairs)][1]
    return pairs[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


def signature_rows(first_id, count, now, seed=17, campaign=None):
    """`count` signatures (SIGNATURE_COLUMNS tuples), their consents and the outbox of the last 30 days."""
    from campaign.petitions.identity import email_key, identity_key

    rng = random.Random(seed + first_id)
    signatures, consents, outbox = [], [], []
    for number in range(first_id, first_id + count):
        slug = campaign or _weighted(rng, CAMPAIGNS)[0]
        first, last = rng.choice(FIRST), rng.choice(LAST)
        # 40 % signed in the last 30 days, the rest over the half year before.
        age = rng.uniform(0, 30) if rng.random() < 0.4 else rng.uniform(30, 180)
        created = now - timedelta(seconds=int(age * DAY_SECONDS))
        locale = _weighted(rng, LOCALES[slug])[0]
        district = postal = None
        if slug == "congress":
            state, seats, _weight = _weighted(rng, US_STATES)
            country, region = "US", state
            district = f"{state}-{0 if seats == 0 else rng.randint(1, seats):02d}" if rng.random() < 0.9 else None
            city = rng.choice(CITIES.get(state, ("Springfield",)))
            postal = f"{rng.randint(10000, 99999)}"
            email = f"signer{number}@example.org" if rng.random() < 0.25 else None
            key = identity_key(first, last, postal, str(number))  # unique, as distinct people are
        else:
            country = _weighted(rng, COUNTRIES)[0]
            region = None if slug == "unhcr" else rng.choice(("Seoul", "Ontario", "Kanto", "Taipei", ""))
            city = None if slug == "unhcr" else rng.choice(CITIES.get("CA_" if country == "CA" else country,
                                                                      ("Seoul",)))
            email = f"signer{number}@example.org"
            key = email_key(email)
        status = "counted"
        roll = rng.random()
        if slug != "congress" and roll < 0.04:
            status = "pending"
        elif roll > 0.998:
            status = "hidden"
        withheld = rng.random() < 0.1
        signatures.append((number, slug, key, first, last, email, district, city, region, postal, country, locale,
                           "paper" if rng.random() < 0.02 else "web", "v1a2b3c4d5e6", created, status,
                           email_key(email) if email else None,
                           created + timedelta(minutes=5) if email and status != "pending" else None,
                           created if email else None, _reference(rng), withheld,
                           created + timedelta(days=1) if status == "hidden" else None,
                           "spam" if status == "hidden" else None))
        purpose, choices = CONSENT[slug]
        consents.append((number, purpose, _weighted(rng, choices)[0], "2026-11", locale, created))
        consents.append((number, "name_delivery", "withheld" if withheld else "named", "name-delivery-2026-12", locale,
                         created))
        if email and age < 30:
            outbox.append((number, slug, "confirm", locale, email, "petitions@example.org", "Please confirm",
                           BODY_TEXT, BODY_HTML, "{}", f"<{number}.{secrets.token_hex(8)}@example.org>", "sent", 1,
                           created, created, created))
    return signatures, consents, outbox


def _reference(rng):
    """Like models.new_reference (22 URL-safe characters), from the seeded generator: faster."""
    return base64.urlsafe_b64encode(rng.getrandbits(128).to_bytes(16, "big")).rstrip(b"=").decode()


def _copy(connection, table, columns, rows):
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _insert_many(connection, table, columns, rows):
    marks = ", ".join("?" for _ in columns)
    connection.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                           [tuple(_sqlite_value(value) for value in row) for row in rows])


def _sqlite_value(value):
    # The format UtcDateTime stores on SQLite (SQLAlchemy's DateTime: ISO with microseconds).
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def seed(engine, rows, first_id=1, campaign=None, batch=100_000):
    """Add `rows` signatures with consents and outbox rows straight into the tables (COPY on
    PostgreSQL, executemany on SQLite), bump the counters, and ANALYZE. Returns seconds."""
    started = time.monotonic()
    now = datetime.now(timezone.utc)
    counted = {}
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        postgres = engine.dialect.name == "postgresql"
        write = _copy if postgres else _insert_many
        # A bulk load builds each index once at the end (as pg_restore does): far faster than
        # keeping a trigram index up to date row by row.
        indexes = _drop_indexes(driver, postgres) if rows >= batch else []
        for start in range(first_id, first_id + rows, batch):
            signatures, consents, outbox = signature_rows(start, min(batch, first_id + rows - start), now,
                                                          campaign=campaign)
            write(driver, "signature", SIGNATURE_COLUMNS, signatures)
            write(driver, "consent", CONSENT_COLUMNS, consents)
            write(driver, "outbox", OUTBOX_COLUMNS, outbox)
            for row in signatures:
                if row[15] == "counted":
                    counted[row[1]] = counted.get(row[1], 0) + 1
        cursor = driver.cursor()
        for definition in indexes:
            cursor.execute(definition)
        for slug, number in counted.items():
            cursor.execute("INSERT INTO signature_counter (campaign, shard, count) VALUES (%s, 0, %s) ON CONFLICT "
                           "(campaign, shard) DO UPDATE SET count = signature_counter.count + excluded.count"
                           .replace("%s", "%s" if postgres else "?"), (slug, number))
        if postgres:
            for table in ("signature", "consent", "outbox"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        driver.commit()
        if postgres:
            driver.autocommit = True
            # What autovacuum does soon after a bulk load: statistics and the visibility map.
            driver.cursor().execute("VACUUM ANALYZE signature, consent, outbox, signature_tally")
            # And the checkpoint that writes the load out, now rather than during the measurements:
            # one that overlapped them doubled results.json (8.7 -> 17.2 ms) in one run.
            driver.cursor().execute("CHECKPOINT")
            driver.autocommit = False
        else:
            driver.execute("ANALYZE")
            driver.commit()
    finally:
        raw.close()
    return time.monotonic() - started


SEEDED_TABLES = ("signature", "consent", "outbox")


def _drop_indexes(driver, postgres):
    """Drop the seeded tables' indexes that back no constraint; returns the statements that make them again."""
    cursor = driver.cursor()
    if postgres:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
                       "(SELECT conname FROM pg_constraint)", (list(SEEDED_TABLES),))
    else:
        marks = ", ".join("?" for _ in SEEDED_TABLES)
        cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND "
                       f"tbl_name IN ({marks})", SEEDED_TABLES)
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def empty(app):
    from sqlalchemy import text

    from campaign.extensions import db

    with app.app_context():
        for table in ("outbox", "consent", "signature", "signature_counter", "signature_tally", "campaign_settings",
                      "organisation"):
            db.session.execute(text(f"DELETE FROM {table}"))
        db.session.commit()


def make_app(database_url):
    from campaign import create_app
    from campaign.config import normalise_database_url

    return create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url), "TESTING": True,
                       "RESULTS_CACHE_SECONDS": 0, "SECRET_KEY": secrets.token_urlsafe(32),
                       "RATELIMIT_STORAGE_URI": "memory://", "LOGIN_RATE_LIMIT": "1000 per minute",
                       "CONFIRMATION_REQUIRED": "unhcr,xi"})


def organiser_client(app):
    """A test client signed in as an admin (created on first use)."""
    import re

    from campaign.accounts import hash_password
    from campaign.extensions import db
    from campaign.models import ROLE_ADMIN, User

    email, password = "bench-admin@example.org", "a long bench password 17"
    with app.app_context():
        if db.session.query(User).filter_by(email=email).first() is None:
            db.session.add(User(email=email, name="Bench Admin", role=ROLE_ADMIN,
                                password_hash=hash_password(password)))
            db.session.commit()
    client = app.test_client()
    url = "/en/organisers/login"
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).get_data(as_text=True))[1]
    assert client.post(url, data={"csrf_token": token, "email": email, "password": password}).status_code == 303
    return client


def _csrf(client, url):
    import re

    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).get_data(as_text=True))[1]


def timed(action, repeats, warm=1):
    for _ in range(warm):
        action()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _get(client, url, status=200):
    def run():
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        response.get_data()
    return run


def _post(client, url, data):
    token = _csrf(client, url)

    def run():
        response = client.post(url, data={"csrf_token": token, **data})
        assert response.status_code == 200, (url, response.status_code)
        response.get_data()
    return run


PAGES = (
    ("dashboard (congress)", "/en/organisers/congress/"),
    ("dashboard (xi)", "/en/organisers/xi/"),
    ("results page (congress)", "/en/congress/results"),
    ("results page (xi)", "/en/xi/results"),
    ("results.json (congress)", "/en/congress/results.json"),
    ("results.json (xi)", "/en/xi/results.json"),
    ("signatures list, first page (xi)", "/en/organisers/xi/signatures/"),
    ("signatures list, page 100 (xi)", "/en/organisers/xi/signatures/?page=100"),
    ("signatures list, page 1,000 (xi)", "/en/organisers/xi/signatures/?page=1000"),
)


def measure_pages(app, repeats):
    client = organiser_client(app)
    figures = {}
    for name, url in PAGES:
        figures[name] = timed(_get(client, url), repeats)
    listing = "/en/organisers/xi/signatures/"
    # The same page as its "Older" link reaches it: from the last signature of page 999.
    figures["signatures list, page 1,000 from its link (xi)"] = timed(
        _get(client, f"{listing}?page=1000&before={_page_edge(app, 999)}"), repeats)
    figures["search, a rare name (xi)"] = timed(_post(client, listing, {"q": RARE_NAME}), repeats)
    figures["search, an email address (xi)"] = timed(
        _post(client, listing, {"q": ERASE_EMAIL.format(n="rare")}), repeats)
    return figures


def _page_edge(app, page, slug="xi", size=50):
    """The id of the last signature on `page` of the organisers' list (1 when there is none)."""
    from sqlalchemy import select

    from campaign.extensions import db
    from campaign.models import Signature

    with app.app_context():
        found = db.session.execute(select(Signature.id).where(Signature.campaign == slug, Signature.status == "counted")
                                   .order_by(Signature.id.desc()).offset(page * size - 1).limit(1)).scalar()
    return found or 1


def plant_person(app, number):
    """One person who signed xi and unhcr with one address: consents and an email each."""
    from campaign.extensions import db
    from campaign.models import Consent, OutboxMessage, Signature
    from campaign.petitions.identity import email_key

    email = ERASE_EMAIL.format(n=number)
    with app.app_context():
        for slug in ("xi", "unhcr"):
            signature = Signature(campaign=slug, identity_key=email_key(email), first_name="Erase", last_name="Me",
                                  email=email, email_key=email_key(email), country="KR", locale="ko", city="Seoul",
                                  confirmed_at=datetime.now(timezone.utc))
            signature.consents = [Consent(purpose="updates", choice="yes", wording_version="w", locale="ko")]
            db.session.add(signature)
            db.session.flush()
            db.session.add(OutboxMessage(signature_id=signature.id, campaign=slug, kind="confirm", locale="ko",
                                         to_address=email, from_address="p@example.org", subject="s",
                                         body_text="t", body_html="h", message_id=f"<{secrets.token_hex(8)}@x>",
                                         status="sent"))
        db.session.commit()
    return email


def measure_erase(app, repeats):
    runner = app.test_cli_runner()
    numbers = iter(range(10**6))

    times = []
    for index in range(repeats + 1):
        email = plant_person(app, f"{next(numbers)}-{secrets.token_hex(4)}")
        started = time.perf_counter()
        result = runner.invoke(args=["privacy", "erase", email])
        elapsed = (time.perf_counter() - started) * 1000
        assert result.exit_code == 0 and "stays in the count" in result.output, result.output
        if index:  # the first is the warm-up
            times.append(elapsed)
    return statistics.median(times)


def _close(app, slug, closed):
    from campaign.extensions import db
    from campaign.models import CampaignSettings

    with app.app_context():
        settings = db.session.get(CampaignSettings, slug) or CampaignSettings(campaign=slug)
        settings.closed = closed
        settings.closed_at = datetime.now(timezone.utc) - timedelta(days=365) if closed else None
        db.session.add(settings)
        db.session.commit()


def _restore_for_anonymising(app, slug):
    """Undo an anonymisation (emails and keys back), so the first run can be timed again."""
    from sqlalchemy import String, cast, literal, update

    from campaign.extensions import db
    from campaign.models import Signature

    with app.app_context():
        db.session.execute(update(Signature).where(Signature.campaign == slug).values(
            anonymised_at=None, email=literal("again") + cast(Signature.id, String) + "@example.org",
            identity_key=literal("again:") + cast(Signature.id, String)))
        db.session.commit()


def _signers(app, slug):
    from sqlalchemy import func, select

    from campaign.extensions import db
    from campaign.models import Signature

    with app.app_context():
        return db.session.execute(select(func.count()).where(Signature.campaign == slug)).scalar_one()


def measure_anonymise(app, repeats, slug="unhcr"):
    """(ms of the first run per 1,000 signers of the closed campaign, ms of a daily run with nothing to do)."""
    runner = app.test_cli_runner()
    _close(app, slug, True)
    per_thousand = []
    try:
        for _ in range(max(1, repeats // 2)):
            _restore_for_anonymising(app, slug)
            signers = _signers(app, slug)
            started = time.perf_counter()
            result = runner.invoke(args=["privacy", "anonymise"])
            elapsed = (time.perf_counter() - started) * 1000
            assert result.exit_code == 0 and f"{slug} (closed" in result.output, result.output
            per_thousand.append(elapsed * 1000 / max(1, signers))
        daily = timed(lambda: runner.invoke(args=["privacy", "anonymise"]), repeats)
    finally:
        _close(app, slug, False)
    return statistics.median(per_thousand), daily


def measure_csv(database_url, slug="xi"):
    """Run the CSV export in a child process: rows, rows per second, µs per row, the peak resident size
    during the export and its growth over the size before it (MiB)."""
    result = subprocess.run([sys.executable, __file__, "--csv-child", database_url, slug], capture_output=True,
                            text=True, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def csv_child(database_url, slug):
    app = make_app(database_url)
    client = organiser_client(app)
    url = f"/en/organisers/{slug}/signatures.csv"
    # Warm up imports, templates and the connection on light pages (the dashboard's GROUP BYs
    # would raise the high-water mark the export is compared with).
    client.get("/en/organisers/").get_data()
    client.get(f"/en/organisers/{slug}/signatures/").get_data()
    # The resident size read at every chunk (64 KiB of CSV): ru_maxrss would report the high-water
    # mark of the sign-in (argon2 takes 64 MiB), not the export's.
    before = after = _current_rss_kib()
    started = time.perf_counter()
    response = client.get(url)
    rows = -1  # the header
    for chunk in response.response:
        rows += chunk.count(b"\n")
        after = max(after, _current_rss_kib())
    response.close()
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": rows, "seconds": seconds, "rows_per_s": rows / seconds,
                      "us_per_row": seconds * 1e6 / max(1, rows), "rss_growth_mib": (after - before) / 1024,
                      "peak_rss_mib": after / 1024}))


def _current_rss_kib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _state(app, repeats, label):
    print(f"measuring {label} ...", file=sys.stderr, flush=True)
    figures = measure_pages(app, repeats)
    figures["privacy erase (one signer, 2 campaigns)"] = measure_erase(app, repeats)
    return figures


def _fill(app, engine, rows, first_id, log):
    seconds = seed(engine, rows, first_id=first_id)
    print(f"seeded {rows:,} signatures in {seconds:.1f} s", file=log, flush=True)
    plant_person(app, "rare")
    _plant_rare_name(app)
    return seconds


def measure(database_url, rows=1_000_000, repeats=5, log=sys.stderr):
    """Migrate the empty database at `database_url`, measure it empty, with SMALL_ROWS signatures
    and with `rows`. Returns [{name, empty_ms, small_ms, full_ms, ratio, ratio_small, goal, met,
    note}]: times in ms unless the name says otherwise; `ratio` is full against empty (the goal),
    `ratio_small` full against SMALL_ROWS, where every page already shows as many lines (every
    district, country and language has signers, a list has a full page) and only the data grew."""
    from flask_migrate import upgrade

    from campaign.extensions import db

    app = make_app(database_url)
    with app.app_context():
        upgrade()
        engine = db.engine
    empty(app)
    nothing = _state(app, repeats, "the empty database")
    _fill(app, engine, SMALL_ROWS, 10_000_000, log)
    small = _state(app, repeats, f"{SMALL_ROWS:,} signatures")
    small_csv = measure_csv(database_url)
    small_anonymise = measure_anonymise(app, repeats)
    empty(app)
    seeded = _fill(app, engine, rows, 1, log)
    full = _state(app, repeats, f"{rows:,} signatures")
    full_csv = measure_csv(database_url)
    full_anonymise = measure_anonymise(app, repeats)
    empty(app)
    with app.app_context():
        db.engine.dispose()

    results = [_row(name, nothing[name], small[FULL_PAGE_AT_SMALL_ROWS.get(name, name)], full[name],
                    against_small=name in FULL_PAGE_AT_SMALL_ROWS, note=_full_page_note(name))
               for name in nothing]
    # An export or an anonymisation of nothing has no rate: these compare SMALL_ROWS with `rows`.
    results.append(_row("CSV export (xi), µs per row", small_csv["us_per_row"], small_csv["us_per_row"],
                        full_csv["us_per_row"],
                        note=f"{small_csv['rows']:,} rows at {small_csv['rows_per_s']:,.0f}/s; "
                             f"{full_csv['rows']:,} rows at {full_csv['rows_per_s']:,.0f}/s"))
    results.append(_row("CSV export (xi), RSS growth during the export, MiB", small_csv["rss_growth_mib"],
                        small_csv["rss_growth_mib"], full_csv["rss_growth_mib"], floor=1.0,
                        note=f"peak RSS {small_csv['peak_rss_mib']:.0f} and {full_csv['peak_rss_mib']:.0f} MiB"))
    results.append(_row("privacy anonymise, first run, ms per 1,000 signers", small_anonymise[0],
                        small_anonymise[0], full_anonymise[0]))
    results.append(_row("privacy anonymise, daily run with nothing to do", small_anonymise[1],
                        small_anonymise[1], full_anonymise[1]))
    results.append({"name": f"seeding {rows:,} signatures, s", "empty_ms": None, "small_ms": None,
                    "full_ms": seeded * 1000, "ratio": None, "ratio_small": None, "goal": None, "met": None,
                    "note": "COPY (PostgreSQL) or executemany (SQLite), with consents and outbox"})
    return results


def _plant_rare_name(app):
    from sqlalchemy import select, update

    from campaign.extensions import db
    from campaign.models import Signature

    with app.app_context():
        first = db.session.execute(select(Signature.id).where(Signature.campaign == "xi",
                                                              Signature.status == "counted")
                                   .order_by(Signature.id).limit(1)).scalar_one()
        db.session.execute(update(Signature).where(Signature.id == first).values(last_name=RARE_NAME))
        db.session.commit()


# An empty list shows no line, so "the same page on an empty database" is a page with nothing to
# render. At SMALL_ROWS the list is full (xi has 7,000 signers: 140 pages of 50), so a page is
# judged against the same page there: the same 50 rows rendered, only the data grew. Page 1,000
# is past the end at SMALL_ROWS: it is judged against page 100 there, the deepest full page.
FULL_PAGE_AT_SMALL_ROWS = {  # figure -> the figure at SMALL_ROWS it is judged against
    "signatures list, first page (xi)": "signatures list, first page (xi)",
    "signatures list, page 100 (xi)": "signatures list, page 100 (xi)",
    "signatures list, page 1,000 (xi)": "signatures list, page 100 (xi)",
    "signatures list, page 1,000 from its link (xi)": "signatures list, page 100 (xi)",
}


def _full_page_note(name):
    if name not in FULL_PAGE_AT_SMALL_ROWS:
        return ""
    against = FULL_PAGE_AT_SMALL_ROWS[name]
    page = "the same page" if against == name else "page 100, the deepest full page there (1,000 is past its end)"
    return f"judged against {page} at {SMALL_ROWS // 1000}k: empty shows no line"


def _row(name, empty_ms, small_ms, full_ms, note="", floor=0.0, against_small=False):
    """One figure; `floor` keeps a ratio of two near-zero figures (memory growth) meaningful;
    `against_small`: the goal is judged against SMALL_ROWS instead of the empty database."""
    ratio = max(full_ms, floor) / max(empty_ms, floor) if max(empty_ms, floor) > 0 else float("inf")
    ratio_small = max(full_ms, floor) / max(small_ms, floor) if max(small_ms, floor) > 0 else float("inf")
    return {"name": name, "empty_ms": empty_ms, "small_ms": small_ms, "full_ms": full_ms, "ratio": ratio,
            "ratio_small": ratio_small, "goal": GOAL, "met": (ratio_small if against_small else ratio) <= GOAL,
            "note": note}


def markdown(results, title, rows=1_000_000):
    def number(value, suffix=""):
        return "" if value is None else f"{value:,.1f}{suffix}"

    lines = [f"| {title} | empty | {SMALL_ROWS // 1000}k | {rows // 1000:,}k | ratio to empty | ratio to "
             f"{SMALL_ROWS // 1000}k | goal ≤ {GOAL:g}× |", "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for row in results:
        verdict = "" if row["met"] is None else "met" if row["met"] else "**not met**"
        lines.append(f"| {row['name']} | {number(row['empty_ms'])} | {number(row['small_ms'])} | "
                     f"{number(row['full_ms'])} | {number(row['ratio'], '×')} | {number(row['ratio_small'], '×')} | "
                     f"{verdict}{' — ' + row['note'] if row['note'] else ''} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--csv-child", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.csv_child:
        return csv_child(*options.csv_child)
    print(f"load before: {os.getloadavg()}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="million-") as directory:
        if options.only == "sqlite":
            results = measure(f"sqlite:///{directory}/million.sqlite3", options.rows, options.repeats)
        else:
            from localservices import Postgres, free_port

            os.chmod(directory, 0o755)
            postgres = Postgres(Path(directory) / "pg", free_port()).start()
            try:
                results = measure(postgres.url, options.rows, options.repeats)
            finally:
                postgres.stop()
    print(markdown(results, f"{options.only}, median of {options.repeats} (ms)", options.rows))
    print(f"load after: {os.getloadavg()}", file=sys.stderr)


if __name__ == "__main__":
    main()
