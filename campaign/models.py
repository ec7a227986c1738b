"""Database models. The schema changes only through migrations (migrations/)."""
import secrets
from datetime import date, datetime, timezone

from sqlalchemy import (JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, false, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def utcnow():
    return datetime.now(timezone.utc)


def new_reference():
    """A random, unguessable reference (22 URL-safe characters) that reveals nothing by itself."""
    return secrets.token_urlsafe(16)


class UtcDateTime(db.TypeDecorator):
    """A timestamp stored in UTC and returned timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime: timestamps must carry a timezone")
            value = value.astimezone(timezone.utc)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


# Indexes only PostgreSQL has (migration 0017): expressions SQLite's reflection cannot read, so
# they are not in the models; tests/test_schema.py and autogenerate leave them alone.
# ix_signature_search: a trigram index (pg_trgm) on lower(first_name || ' ' || last_name || ' ' ||
# coalesce(city, '')), the organisers' search (organisers/moderation.py); ix_outbox_to_address_lower:
# `privacy erase` finds the emails sent to an address.
POSTGRESQL_ONLY_INDEXES = frozenset({"ix_signature_search", "ix_outbox_to_address_lower"})


SIGNATURE_PENDING = "pending"
SIGNATURE_COUNTED = "counted"
SIGNATURE_ERASED = "erased"
# Hidden by an organiser (spam, abuse): not counted, not shown, not delivered; can be undone.
SIGNATURE_HIDDEN = "hidden"
# The statuses the count includes (its counters move with them), and those it does not.
SIGNATURES_IN_COUNT = (SIGNATURE_COUNTED, SIGNATURE_ERASED)
SIGNATURES_NOT_IN_COUNT = (SIGNATURE_PENDING, SIGNATURE_HIDDEN)


class Signature(db.Model):
    """One person's signature of one campaign. Only what the campaign's form asks is stored."""

    __tablename__ = "signature"
    __table_args__ = (
        # One person counts once per campaign; concurrent repeats collide here, not in Python.
        UniqueConstraint("campaign", "identity_key", name="uq_signature_campaign_identity"),
        # A campaign's signatures of one status in signing order: the organisers' list (newest
        # first), the exports and packets (counted_batches), the count of pending ones (0017).
        Index("ix_signature_campaign_status", "campaign", "status", "id"),
        # What `privacy anonymise` has yet to do: its daily run reads this, not a closed campaign's rows.
        Index("ix_signature_not_anonymised", "campaign", postgresql_where=text("anonymised_at IS NULL"),
              sqlite_where=text("anonymised_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    campaign: Mapped[str] = mapped_column(String(32))
    # SHA-256 of the normalised identity (email, or name + ZIP): equal for the same person.
    identity_key: Mapped[str] = mapped_column(String(64))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    street_address: Mapped[str | None] = mapped_column(String(200))
    # Congressional district as STATE-NN, "00" for an at-large seat or delegate (e.g. CA-40, AK-00).
    district: Mapped[str | None] = mapped_column(String(5))
    city: Mapped[str | None] = mapped_column(String(100))
    # U.S. state code for congress; free text state or province elsewhere.
    region: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    locale: Mapped[str] = mapped_column(String(16))  # BCP 47 tag of the page signed on
    source: Mapped[str] = mapped_column(String(16), default="web")  # web or paper
    # The version of the letter text it was signed under: a fingerprint of the letter in the
    # language signed in (delivery/letter.py, letter_version). None: signed before versions were kept.
    letter_version: Mapped[str | None] = mapped_column(String(12))
    # The paper batch it was typed in from (source "paper"), else None.
    paper_batch_id: Mapped[int | None] = mapped_column(ForeignKey("paper_batch.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # pending: waits for its email to be confirmed, not counted. counted: in the count.
    # erased: in the count, but the person's data was removed at their request (privacy.py).
    # hidden: taken out of the count and the lists by an organiser (organisers/moderation.py).
    status: Mapped[str] = mapped_column(String(16), default=SIGNATURE_COUNTED, server_default=SIGNATURE_COUNTED)
    # SHA-256 of the normalised email, to find a person's signatures in every campaign (erasure).
    email_key: Mapped[str | None] = mapped_column(String(64), index=True)
    # When the signer proved the email address is theirs (the button in the confirmation email).
    # Where the campaign requires it, the signature counts from then; everywhere, news goes only
    # to a confirmed address.
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # When the last email about this signature was queued (a confirmation, or "you have already
    # signed"): each address gets at most one per CONFIRMATION_RESEND_MINUTES.
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # When email and street address were removed (after the campaign closed, or on erasure).
    anonymised_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Moderation: when, why and by whom it was hidden (status "hidden"); cleared on undo.
    hidden_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    hidden_reason: Mapped[str | None] = mapped_column(String(200))
    hidden_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))

    # A random reference for links in emails and for erasure requests: it says nothing about
    # the signature's number, so a link shows neither how many signed nor when.
    reference: Mapped[str | None] = mapped_column(String(32), unique=True, default=new_reference)
    # The signer chose "Deliver my signature without my name" (the choice itself is a Consent
    # row with its wording): packets print "name withheld" with the place.
    name_withheld: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    consents: Mapped[list["Consent"]] = relationship(back_populates="signature", cascade="all, delete-orphan")


class Consent(db.Model):
    """An answer a signer gave about the use of their data, with the wording version they saw."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    signature_id: Mapped[int] = mapped_column(ForeignKey("signature.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))  # e.g. email_use, updates
    choice: Mapped[str] = mapped_column(String(32))  # e.g. count_only, petition_updates, yes
    wording_version: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(16))
    given_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    signature: Mapped[Signature] = relationship(back_populates="consents")


class CampaignSettings(db.Model):
    """What organisers may change about a campaign; absent columns mean the definition's default."""

    __tablename__ = "campaign_settings"

    campaign: Mapped[str] = mapped_column(String(32), primary_key=True)
    closed: Mapped[bool | None] = mapped_column(Boolean)
    goal: Mapped[int | None] = mapped_column(Integer)
    deadline: Mapped[date | None] = mapped_column(Date)
    # When an organiser closed it (set with `closed`); anonymisation counts its days from here.
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    # The letter belongs to its time (a notice on its page says so); independent of `closed`.
    historical: Mapped[bool | None] = mapped_column(Boolean)
    # Editor's notes above the letter, {language tag: text}, written by organisers (migration 0011).
    editor_notes: Mapped[dict | None] = mapped_column(JSON)


class SignatureCounter(db.Model):
    """Running count of signatures, split into shards so concurrent signers rarely wait on one row.

    Incremented in the same transaction as the signature row, so it is exact; a page sums at
    most COUNTER_SHARDS small rows instead of counting the signature table.
    """

    __tablename__ = "signature_counter"

    campaign: Mapped[str] = mapped_column(String(32), primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(BigInteger, default=0)


COUNTER_SHARDS = 8


class SignatureTally(db.Model):
    """How many signatures of a campaign and status have each value of each dimension (day,
    country, region, district, locale, withheld): the dashboard and results read these rows,
    not the signature table.

    Database triggers keep it (migration 0018 has them and says how; 0019 empties it on a
    TRUNCATE), so every write to `signature` moves it in the same transaction; the app never
    writes it. A row counts the signatures of its key whose id % 8 is its shard (always 0 on
    SQLite); a row at zero is deleted. Read the sum over shards (petitions/tally.py).
    """

    __tablename__ = "signature_tally"

    campaign: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(100), primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(BigInteger)


class OutboxMessage(db.Model):
    """An email waiting to be sent, queued in the same transaction as what it is about.

    The message is rendered when queued (in the signer's language), so a retry sends the same
    bytes with the same Message-ID. Sending and its guarantees: campaign/mail/outbox.py.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # `privacy anonymise`: a closed campaign's emails, and sent ones past OUTBOX_RETENTION_DAYS (0017).
        Index("ix_outbox_campaign", "campaign"),
        Index("ix_outbox_retention", "status", "created_at"),
        UniqueConstraint("dedupe_key", name="uq_outbox_dedupe_key"),
        UniqueConstraint("message_id", name="uq_outbox_message_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    # Deleting a signature (erasure of a pending one) deletes its messages.
    signature_id: Mapped[int | None] = mapped_column(ForeignKey("signature.id", ondelete="CASCADE"), index=True)
    campaign: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(64))  # confirm, thanks, update:<template>
    # Makes queueing idempotent where it must be (one update per template and signer).
    dedupe_key: Mapped[str | None] = mapped_column(String(128))
    locale: Mapped[str] = mapped_column(String(16))
    to_address: Mapped[str] = mapped_column(String(254))
    from_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    headers: Mapped[str] = mapped_column(Text, default="{}")  # JSON: extra headers (List-Unsubscribe ...)
    message_id: Mapped[str] = mapped_column(String(255))
    # pending -> sending -> sent; dead after too many failures; unknown when a worker died
    # mid-send (it may or may not have gone out: never resent automatically).
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    lease_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


BUILD_QUEUED, BUILD_RUNNING, BUILD_DONE, BUILD_FAILED = "queued", "running", "done", "failed"


class PacketBuild(db.Model):
    """A build of all of a campaign's delivery packets, asked for on the dashboard and done by a
    worker (`flask delivery work`, campaign/delivery/jobs.py), leased like the outbox's messages so
    that a build whose worker died is resumed by the next one. Its files are PacketBuildFile rows."""

    __tablename__ = "packet_build"
    # `active` holds the campaign while the build is queued or running, else NULL: the unique
    # constraint lets one build at a time wait or run per campaign (NULLs never collide).
    __table_args__ = (UniqueConstraint("active", name="uq_packet_build_active"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    campaign: Mapped[str] = mapped_column(String(32), index=True)
    active: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=BUILD_QUEUED)  # queued -> running -> done or failed
    # The time printed on its packets, fixed when a worker first starts it (and reads the signatures):
    # a resumed build draws the same bytes.
    generated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # first claimed by a worker
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # claims by a worker; capped (PACKET_BUILD_MAX_ATTEMPTS)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    lease_token: Mapped[str | None] = mapped_column(String(32))
    # Progress: packets to write (None until the worker has read the signatures) and written.
    packets_total: Mapped[int | None] = mapped_column(Integer)
    packets_done: Mapped[int] = mapped_column(Integer, default=0)
    signatures: Mapped[int | None] = mapped_column(Integer)  # the campaign's total the packets deliver
    skipped: Mapped[int | None] = mapped_column(Integer)  # recipients without signers, hence without a packet
    # Where its files are, relative to PACKET_BUILDS_DIR: "<campaign>/<id>" (PDFs under pdf/, and packets.zip).
    directory: Mapped[str | None] = mapped_column(String(100))
    zip_sha256: Mapped[str | None] = mapped_column(String(64))
    zip_size: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(String(500))  # why it failed, for the dashboard

    files: Mapped[list["PacketBuildFile"]] = relationship(
        back_populates="build", cascade="all, delete-orphan", order_by="PacketBuildFile.position")


class PacketBuildFile(db.Model):
    """One finished packet of a build: recorded once its file is complete on disk, in the commit
    that counts it in the build's progress (build and file name are the key: each file once)."""

    __tablename__ = "packet_build_file"

    build_id: Mapped[int] = mapped_column(ForeignKey("packet_build.id", ondelete="CASCADE"), primary_key=True)
    filename: Mapped[str] = mapped_column(String(300), primary_key=True)  # e.g. house/CA-40-young-kim.pdf
    position: Mapped[int] = mapped_column(Integer)  # its place in the build's list of packets
    title: Mapped[str] = mapped_column(Text)  # its recipient, as the packets page lists it
    signatures: Mapped[int] = mapped_column(Integer)
    summary: Mapped[bool] = mapped_column(Boolean, default=False)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    written_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    build: Mapped[PacketBuild] = relationship(back_populates="files")


class ZipDistrict(db.Model):
    """One (ZIP, state, district) row: a ZIP code (a Census ZCTA) touches this congressional district.

    Loaded by `flask data import` (campaign/congress_data.py) from campaign/data/congress/zccd.csv.
    A ZIP may have several rows (it crosses district or even state lines).
    """

    __tablename__ = "zip_district"

    zip_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    state: Mapped[str] = mapped_column(String(2), primary_key=True)
    # 0 for an at-large seat or a non-voting delegate.
    district: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class CongressMember(db.Model):
    """A current member of Congress, loaded by `flask data import`. A seat with no row is vacant."""

    __tablename__ = "congress_member"
    __table_args__ = (Index("ix_congress_member_seat", "state", "district"),)

    bioguide_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    chamber: Mapped[str] = mapped_column(String(3))  # sen or rep
    state: Mapped[str] = mapped_column(String(2))
    district: Mapped[int | None] = mapped_column(Integer)  # representatives only; 0 = at-large or delegate
    senate_class: Mapped[int | None] = mapped_column(Integer)
    full_name: Mapped[str] = mapped_column(String(200))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    party: Mapped[str | None] = mapped_column(String(50))
    url: Mapped[str | None] = mapped_column(String(300))


ROLE_ADMIN = "admin"
ROLE_ORGANISER = "organiser"


class User(db.Model):
    """An organiser's account (`flask users …`, campaign/accounts.py). Signers have no accounts.

    The password is kept only as an argon2 hash. A disabled account keeps its row (the audit
    log will name it) but can no longer sign in.
    """

    __tablename__ = "app_user"  # "user" is a reserved word in PostgreSQL
    __table_args__ = (UniqueConstraint("email", name="uq_app_user_email"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    email: Mapped[str] = mapped_column(String(254))  # trimmed and case-folded
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16), default=ROLE_ORGANISER)  # admin or organiser
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class CampaignOrganiser(db.Model):
    """An organiser may see and manage this campaign (admins see every campaign without rows)."""

    __tablename__ = "campaign_organiser"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    campaign: Mapped[str] = mapped_column(String(32), primary_key=True)


class OrganiserSession(db.Model):
    """A signed-in organiser's session (campaign/organisers/sessions.py). The cookie holds only a
    random id; the row holds its SHA-256, so a copy of this table opens no session. Sign-out,
    `flask users disable` and `flask users set-password` set revoked_at, and every copy of the
    cookie stops working at once."""

    __tablename__ = "organiser_session"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AuditEntry(db.Model):
    """Who did what, when, to which campaign: sign-ins (and failed attempts) and state changes."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    # None for a failed sign-in with an address that has no account.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(64))  # login, login_failed, logout, campaign_close, ...
    campaign: Mapped[str | None] = mapped_column(String(32))
    details: Mapped[str] = mapped_column(Text, default="{}")  # JSON


class PaperBatch(db.Model):
    """Signatures collected on paper at one place and date, typed in by an organiser.

    Each line becomes a Signature with source "paper" pointing here; they count and are
    delivered like the others. The batch keeps who entered it, for the audit log and for
    finding a batch typed in wrongly.
    """

    __tablename__ = "paper_batch"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    campaign: Mapped[str] = mapped_column(String(32), index=True)
    collected_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))  # e.g. "Korean church, Annandale VA"
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    signatures: Mapped[int] = mapped_column(Integer, default=0)  # how many lines were new signers


ORGANISATION_PENDING = "pending"
ORGANISATION_APPROVED = "approved"
ORGANISATION_REJECTED = "rejected"


class Organisation(db.Model):
    """An organisation that signed a letter organisations sign (`coalition`).

    It appears on the public list, in the count and in the packet only once an organiser approved
    it (organisers/organisations.py). The contact person and email are private: they let
    organisers check that the organisation really signed.
    """

    __tablename__ = "organisation"
    __table_args__ = (
        # One signature per organisation: its website's host, or its name and country.
        UniqueConstraint("campaign", "identity_key", name="uq_organisation_campaign_identity"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    campaign: Mapped[str] = mapped_column(String(32), index=True)
    identity_key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))  # as the organisation writes it, in its own script
    name_en: Mapped[str | None] = mapped_column(String(200))  # its English name, if it has one
    homepage: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2))
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=ORGANISATION_PENDING)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))


class CampaignMedia(db.Model):
    """A video or a document shown with a campaign, managed by organisers from the dashboard.

    A video from another host is shown as a link to our own player page; nothing is loaded from
    that host until the visitor asks to play it (petitions/media.py).
    """

    __tablename__ = "campaign_media"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    campaign: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # video or document
    url: Mapped[str] = mapped_column(String(500))
    # JSON: {"en": "...", "ko": "...", ...}; English is required, the others fall back to it.
    titles: Mapped[str] = mapped_column(Text)
    # Videos: the page languages (BCP 47) it has subtitles in, space-separated.
    subtitles: Mapped[str] = mapped_column(String(100), default="")
    # Another place to get it, for visitors who cannot reach the host (e.g. from mainland China).
    alternative_url: Mapped[str | None] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))


DELIVERY_CHANNELS = ("by_hand", "post", "email", "fax")
RESPONSE_STATUSES = ("acknowledged", "declined", "cosponsored", "no_answer")
# The statuses that count as the office having answered ("no answer" is a record that it has not).
RESPONSE_ANSWERED = ("acknowledged", "declined", "cosponsored")


class Delivery(db.Model):
    """One delivery of a campaign's packet to one office, and later the office's response
    (organisers/deliveries.py records both; petitions/deliveries.py shows them publicly).

    The recipient is kept as a stable key (a member's bioguide id, a PRC mission's packet name,
    "unhcr", "president": delivery/recipients.py) with the name its packet gave it then, so the
    row still reads right after the member leaves office or the missions file changes.
    `delivered_by` is for organisers only: no public page or file ever shows it.
    """

    __tablename__ = "delivery"
    __table_args__ = (Index("ix_delivery_recipient", "campaign", "recipient_key"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    campaign: Mapped[str] = mapped_column(String(32))
    recipient_key: Mapped[str] = mapped_column(String(64))
    recipient_name: Mapped[str] = mapped_column(String(300))
    delivered_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(16))  # one of DELIVERY_CHANNELS
    delivered_by: Mapped[str] = mapped_column(String(200))
    count: Mapped[int] = mapped_column(Integer)  # signatures (organisations) the packet delivered
    # The fingerprint the packet prints (delivery/packet.py, PacketFingerprint); None for a packet
    # that printed none (built before fingerprints existed).
    packet_sha256: Mapped[str | None] = mapped_column(String(64))
    # The office's response: all None until one is recorded.
    response_on: Mapped[date | None] = mapped_column(Date)
    response_status: Mapped[str | None] = mapped_column(String(16))  # one of RESPONSE_STATUSES
    response_summary: Mapped[str | None] = mapped_column(Text)  # in English
    response_url: Mapped[str | None] = mapped_column(String(500))  # http(s) only
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


# Who a news update goes to: every signer of the campaign, or those of one place.
AUDIENCE_CAMPAIGN, AUDIENCE_STATE, AUDIENCE_DISTRICT, AUDIENCE_COUNTRY = "campaign", "state", "district", "country"


class CampaignUpdate(db.Model):
    """News an organiser writes for a campaign's consenting signers (mail/news.py), once per
    language (CampaignUpdateText), to the whole campaign or one place. Editable until sent;
    sent once: `sent_at` is set in the transaction that queues its emails."""

    __tablename__ = "campaign_update"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    campaign: Mapped[str] = mapped_column(String(32), index=True)
    # campaign, state (congress: a U.S. state code), district (congress: CA-40, AK-00) or country (ISO code).
    audience: Mapped[str] = mapped_column(String(16), default=AUDIENCE_CAMPAIGN)
    audience_value: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # None when sent from the command line (the audit log names the operating-system user).
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    # What the send did: emails queued, and signers left out by UPDATES_MAX_PER_WEEK (they never get it).
    queued: Mapped[int | None] = mapped_column(Integer)
    capped: Mapped[int | None] = mapped_column(Integer)

    texts: Mapped[list["CampaignUpdateText"]] = relationship(
        back_populates="update", cascade="all, delete-orphan", order_by="CampaignUpdateText.language")


class CampaignUpdateText(db.Model):
    """An update's subject and body in one language (plain text; English always present)."""

    __tablename__ = "campaign_update_text"

    update_id: Mapped[int] = mapped_column(ForeignKey("campaign_update.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(16), primary_key=True)  # BCP 47 tag, one of LANGUAGES
    subject: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)

    update: Mapped[CampaignUpdate] = relationship(back_populates="texts")
