"""Delivery packets built in the background: the dashboard asks, a worker builds (`flask delivery work`).

Building every packet of a campaign takes about 40 s for congress at 100,000 signatures: too long
for a web request. The dashboard (organisers/packets.py) only queues a build; a worker process
writes its files under PACKET_BUILDS_DIR/<campaign>/<build>/ (PDFs under pdf/, and packets.zip),
and the dashboard serves those finished files until the next build replaces them.

**Why a worker on the database, not RQ on Redis.** It is the same kind of worker as the outbox's
(mail/outbox.py), whose claim-and-lease pattern this project already runs and tests. It needs no
new dependency, and no queue outside the database: a build, its progress and the record of each
finished file live with the signatures they come from (Redis here holds only rate-limit
counters, which may be lost; RQ would keep the job there and still need a row of ours for the
dashboard's list of files). It runs on SQLite, so `python3 dev.py serve` builds packets with
nothing else installed (dev.py starts one worker beside the site). And builds are rare (a few a
campaign): a queue made for thousands of jobs a second would buy nothing.

A build's life (models.PacketBuild, PacketBuildFile):

1. **queued** (queue_build): one at a time per campaign (the unique `active` column).
2. **claimed** by a worker (claim): one short transaction sets a lease (`locked_until`,
   `lease_token`) and counts the attempt; the first claim also fixes the time its packets print
   (`generated_at`, when the signatures are read), kept so that a resumed build draws the same
   bytes. On PostgreSQL the row is picked with `FOR UPDATE SKIP
   LOCKED`, so workers never wait on each other; the claim is also a compare-and-set on the
   lease, which keeps it right on SQLite (where one worker is the supported set-up).
3. **running** (run_build): the worker reads the signatures once (build.prepared), then writes
   the packets one by one: each to a temporary name, flushed to disk, moved into place only
   while the lease is still ours, then recorded with its SHA-256 and size in a commit that counts
   it in the progress and renews the lease. A worker whose lease was taken stops at once.
4. **done**: the worker writes packets.zip from the recorded files; the commit that marks the
   build done deletes the campaign's older builds, and their folders go right after.
   **failed**: an error (logged, and shown on the dashboard), or PACKET_BUILD_MAX_ATTEMPTS claims
   without finishing (a packet that kills its worker every time must not loop for ever).

A worker killed at any point (SIGKILL, a crash, a restart) leaves the build `running` with a
lease that runs out within PACKET_BUILD_LEASE_SECONDS; the next worker claims it and resumes:
the files already recorded are kept if they are still on disk with their SHA-256 and size (else
written again), the others are written, so every file is there once, and each is byte-identical
to what `flask delivery build --generated-at` writes from the same signatures. A worker asked
to stop (SIGTERM, Ctrl+C) finishes the packet in hand and gives its lease back, uncounted, so the
next worker resumes at once.

Residual risk: a worker frozen for longer than the lease (not killed) and woken after another
worker took the build over could still move one packet into place after the other's check. The
lease is checked right before each move, both workers draw the same bytes from the same
signatures, and the final ZIP is made from the files as recorded.
"""
import hashlib
import logging
import os
import secrets
import shutil
import zipfile
from datetime import timedelta, timezone
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..extensions import db
from ..log_redaction import redact_emails
from ..models import (BUILD_DONE, BUILD_FAILED, BUILD_QUEUED, BUILD_RUNNING, PacketBuild, PacketBuildFile,
                      utcnow)
from .build import now_to_the_second, prepared

log = logging.getLogger(__name__)

PDF_FOLDER = "pdf"
ZIP_NAME = "packets.zip"
PARTIAL = ".part"  # suffix of a file being written; never served, removed when a build resumes


class LeaseLost(Exception):
    """The build is no longer ours (our lease ran out and another worker took it): stop at once."""


# --- where the files are -------------------------------------------------------------------------

def builds_root():
    configured = current_app.config["PACKET_BUILDS_DIR"]
    return Path(configured) if configured else Path(current_app.instance_path) / "packet-builds"


def build_folder(build):
    return builds_root() / build.directory


def finished_file(build, filename):
    """The path of the finished packet `filename` of `build` (a done build), or None.

    Only names the build recorded are served, compared in Python: what a visitor types reaches
    neither the disk nor a query."""
    if build is None or build.status != BUILD_DONE:
        return None
    row = next((row for row in build.files if row.filename == filename), None)
    if row is None:
        return None
    return build_folder(build) / PDF_FOLDER / row.filename


def finished_zip(build):
    if build is None or build.status != BUILD_DONE or build.zip_sha256 is None:
        return None
    return build_folder(build) / ZIP_NAME


# --- the dashboard's side ------------------------------------------------------------------------

def queue_build(slug, user):
    """Queue a build of every packet of campaign `slug`, asked for by `user`.

    Returns the new PacketBuild (flushed; the caller audits and commits), or None when one is
    already queued or running for the campaign (the session is rolled back: nothing changed)."""
    if db.session.scalar(select(PacketBuild.id).where(PacketBuild.active == slug)) is not None:
        return None
    # generated_at is set again when a worker starts it (claim): the time the signatures are read.
    build = PacketBuild(campaign=slug, active=slug, status=BUILD_QUEUED, generated_at=now_to_the_second(),
                        requested_at=utcnow(), requested_by=user.id if user else None, attempts=0, packets_done=0)
    db.session.add(build)
    try:
        db.session.flush()  # two organisers at once: the unique `active` lets one insert through
    except IntegrityError:
        db.session.rollback()
        return None
    build.directory = f"{slug}/{build.id}"
    return build


def latest_builds(slug):
    """(the build queued or running, the newest finished one, the newest if it failed after that
    finished one) of campaign `slug`; each may be None."""
    active = db.session.scalar(select(PacketBuild).where(PacketBuild.active == slug))
    finished = db.session.scalar(select(PacketBuild).where(PacketBuild.campaign == slug,
                                                           PacketBuild.status == BUILD_DONE)
                                 .order_by(PacketBuild.id.desc()).limit(1))
    failed = db.session.scalar(select(PacketBuild).where(PacketBuild.campaign == slug,
                                                         PacketBuild.status == BUILD_FAILED,
                                                         PacketBuild.id > (finished.id if finished else 0))
                               .order_by(PacketBuild.id.desc()).limit(1))
    return active, finished, failed


# --- the worker's side ---------------------------------------------------------------------------

def _lease_end(now=None):
    return (now or utcnow()) + timedelta(seconds=current_app.config["PACKET_BUILD_LEASE_SECONDS"])


def _due(now):
    return (PacketBuild.status.in_((BUILD_QUEUED, BUILD_RUNNING)),
            or_(PacketBuild.locked_until.is_(None), PacketBuild.locked_until < now))


def fail_exhausted(now):
    """Builds whose lease ran out after PACKET_BUILD_MAX_ATTEMPTS claims: failed, files removed."""
    stuck = db.session.execute(
        select(PacketBuild.id, PacketBuild.directory)
        .where(PacketBuild.status == BUILD_RUNNING, PacketBuild.locked_until < now,
               PacketBuild.attempts >= current_app.config["PACKET_BUILD_MAX_ATTEMPTS"])).all()
    failed = {}
    for build_id, directory in stuck:
        result = db.session.execute(
            update(PacketBuild).where(PacketBuild.id == build_id, *_due(now))
            .values(status=BUILD_FAILED, active=None, locked_until=None, lease_token=None, finished_at=now,
                    error="its workers stopped before it finished, too many times"))
        if result.rowcount == 1:
            failed[build_id] = directory
    if not failed:
        db.session.rollback()
        return 0
    db.session.execute(delete(PacketBuildFile).where(PacketBuildFile.build_id.in_(failed)))
    db.session.commit()
    for directory in failed.values():
        log.error("packet build %s failed: its workers stopped before it finished, too many times", directory)
        shutil.rmtree(builds_root() / directory, ignore_errors=True)
    return len(failed)


def claim(now=None):
    """Lease the oldest build that is due (queued, or running with a lapsed lease) to this worker.
    Returns (build id, lease token) after committing, or None."""
    now = now or utcnow()
    token = secrets.token_hex(16)
    candidate = select(PacketBuild.id).where(*_due(now)).order_by(PacketBuild.id).limit(1)
    if db.session.get_bind().dialect.name == "postgresql":
        candidate = candidate.with_for_update(skip_locked=True)
    build_id = db.session.execute(candidate).scalar()
    if build_id is None:
        db.session.rollback()
        return None
    # Compare-and-set: a build another worker leased meanwhile no longer matches _due.
    result = db.session.execute(
        update(PacketBuild).where(PacketBuild.id == build_id, *_due(now))
        .values(status=BUILD_RUNNING, lease_token=token, locked_until=_lease_end(now),
                attempts=PacketBuild.attempts + 1))
    if result.rowcount != 1:
        db.session.rollback()
        return None
    # The first claim: the packets print this time, whichever worker draws them.
    db.session.execute(update(PacketBuild).where(PacketBuild.id == build_id, PacketBuild.started_at.is_(None))
                       .values(started_at=now, generated_at=now.replace(microsecond=0)))
    db.session.commit()
    return build_id, token


def _ours(build_id, token):
    return PacketBuild.id == build_id, PacketBuild.lease_token == token, PacketBuild.status == BUILD_RUNNING


def renew(build_id, token, **values):
    """Extend our lease, setting `values`, in the caller's transaction; LeaseLost if not ours."""
    values.setdefault("locked_until", _lease_end())
    result = db.session.execute(update(PacketBuild).where(*_ours(build_id, token)).values(**values))
    if result.rowcount != 1:
        db.session.rollback()
        raise LeaseLost(build_id)


def still_ours(build_id, token):
    return db.session.scalar(select(PacketBuild.id).where(*_ours(build_id, token),
                                                          PacketBuild.locked_until > utcnow())) is not None


def release(build_id, token):
    """Give the build back (the worker is stopping): the next worker resumes it at once, and this
    claim does not count as an attempt."""
    db.session.execute(update(PacketBuild).where(*_ours(build_id, token))
                       .values(locked_until=None, lease_token=None, attempts=PacketBuild.attempts - 1))
    db.session.commit()


def _sha256_and_size(path):
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _intact(path, row):
    try:
        return path.is_file() and _sha256_and_size(path) == (row.sha256, row.size)
    except OSError:
        return False


def _move_into_place(data_or_writer, target, folder, build_id, token):
    """Write to a temporary name beside `target` (inside the build's `folder`), flush it to disk,
    and move it into place if the build is still ours (LeaseLost otherwise: the file is left to
    the worker that holds it)."""
    # Subfolders (house/, senate/) only inside a build folder that still exists: a build removed
    # meanwhile (an erasure, a newer build) never gets its folder back.
    for parent in reversed(target.relative_to(folder).parents[:-1]):
        (folder / parent).mkdir(exist_ok=True)
    partial = target.with_name(f"{target.name}.{token[:8]}{PARTIAL}")
    try:
        with open(partial, "wb") as stream:
            if isinstance(data_or_writer, bytes):
                stream.write(data_or_writer)
            else:
                data_or_writer(stream)
            stream.flush()
            os.fsync(stream.fileno())
        if not still_ours(build_id, token):
            raise LeaseLost(build_id)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _forget_unfinished(build_id, packets, pdf_folder):
    """What an earlier attempt left: its partial files go; its recorded packets stay if they are
    still on disk as recorded and still in the list (moved to their place in it). Returns the
    names kept; the caller commits."""
    for partial in pdf_folder.rglob(f"*{PARTIAL}"):
        partial.unlink(missing_ok=True)
    positions = {packet.filename: position for position, packet in enumerate(packets)}
    kept = set()
    for row in db.session.scalars(select(PacketBuildFile).where(PacketBuildFile.build_id == build_id)):
        if row.filename in positions and _intact(pdf_folder / row.filename, row):
            row.position = positions[row.filename]
            kept.add(row.filename)
        else:
            db.session.delete(row)
    return kept


def _zip_writer(build_id, pdf_folder, generated_at):
    """Writes packets.zip from the recorded files, in the packets' order, dated like the packets
    (the same files give the same ZIP)."""
    rows = db.session.scalars(select(PacketBuildFile).where(PacketBuildFile.build_id == build_id)
                              .order_by(PacketBuildFile.position)).all()
    entries = [(row.filename, row.size) for row in rows]
    stamp = generated_at.timetuple()[:6]

    def write(stream):
        with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_STORED) as archive:
            for filename, size in entries:
                info = zipfile.ZipInfo(filename, date_time=stamp)
                info.file_size = size
                with open(pdf_folder / filename, "rb") as source, archive.open(info, "w") as target:
                    shutil.copyfileobj(source, target, 1024 * 1024)

    return write


def run_build(build_id, token, should_stop=lambda: False):
    """Write, or finish writing, build `build_id` leased with `token`. Returns True when it is done,
    False when the worker was asked to stop (the lease given back). Needs a request context."""
    from ..campaigns import definitions

    build = db.session.get(PacketBuild, build_id)
    definition = next(definition for definition in definitions() if definition.slug == build.campaign)
    folder = build_folder(build)
    pdf_folder = folder / PDF_FOLDER
    # Packets name people: the folder of all builds is the app's own (rwx------) when it makes it.
    builds_root().mkdir(mode=0o700, parents=True, exist_ok=True)
    pdf_folder.mkdir(parents=True, exist_ok=True)
    # As `flask delivery build --generated-at` has it: in timezone.utc itself (PostgreSQL gives an
    # equal time in another tzinfo object, which the PDF's creation date would write differently).
    generated_at = build.generated_at.astimezone(timezone.utc)
    problems = []  # what could not be drawn: logged by build.prepared, never a reason to stop
    with prepared(definition, generated_at, problems) as job:
        packets = job.described.packets
        kept = _forget_unfinished(build_id, packets, pdf_folder)
        renew(build_id, token, packets_total=len(packets), packets_done=len(kept),
              signatures=job.described.total, skipped=job.described.skipped)
        db.session.commit()
        for position, packet in enumerate(packets):
            if packet.filename in kept:
                continue
            if should_stop():
                release(build_id, token)
                return False
            data = job.draw(packet)
            _move_into_place(data, pdf_folder / packet.filename, folder, build_id, token)
            renew(build_id, token, packets_done=PacketBuild.packets_done + 1)
            db.session.add(PacketBuildFile(build_id=build_id, filename=packet.filename, position=position,
                                           title=str(packet.title), signatures=packet.count,
                                           summary=bool(packet.summary), sha256=hashlib.sha256(data).hexdigest(),
                                           size=len(data), written_at=utcnow()))
            db.session.commit()
    zip_path = folder / ZIP_NAME
    _move_into_place(_zip_writer(build_id, pdf_folder, generated_at), zip_path, folder, build_id, token)
    zip_sha256, zip_size = _sha256_and_size(zip_path)
    _finish(build, token, zip_sha256, zip_size)
    return True


def _finish(build, token, zip_sha256, zip_size):
    """Mark the build done and, in the same commit, delete the campaign's older builds; then
    remove their folders (and any folder a build left behind)."""
    build_id, slug = build.id, build.campaign
    renew(build_id, token, status=BUILD_DONE, active=None, locked_until=None, lease_token=None,
          finished_at=utcnow(), zip_sha256=zip_sha256, zip_size=zip_size)
    older = select(PacketBuild.id).where(PacketBuild.campaign == slug, PacketBuild.id < build_id,
                                         PacketBuild.status.in_((BUILD_DONE, BUILD_FAILED)))
    db.session.execute(delete(PacketBuildFile).where(PacketBuildFile.build_id.in_(older)))
    db.session.execute(delete(PacketBuild).where(PacketBuild.id.in_(older)))
    db.session.commit()
    campaign_folder = builds_root() / slug
    for folder in campaign_folder.iterdir():
        if folder.is_dir() and folder.name.isdigit() and int(folder.name) < build_id:
            shutil.rmtree(folder, ignore_errors=True)


def _fail(build_id, token, error):
    """The build cannot be made (a bug, a full disk): failed, its partial files removed."""
    text = redact_emails(f"{error.__class__.__name__}: {error}")[:500]
    try:
        renew(build_id, token, status=BUILD_FAILED, active=None, locked_until=None, lease_token=None,
              finished_at=utcnow(), error=text)
    except LeaseLost:
        return
    db.session.execute(delete(PacketBuildFile).where(PacketBuildFile.build_id == build_id))
    directory = db.session.get(PacketBuild, build_id).directory
    db.session.commit()
    shutil.rmtree(builds_root() / directory, ignore_errors=True)


def discard_builds(slugs, reason):
    """Remove every build of the campaigns `slugs`, finished or not, with its files: they name a
    person who asked to be erased (privacy.py). A worker on one of them finds its lease gone and
    stops. Commits; returns how many builds were removed."""
    slugs = sorted(slugs)
    if not slugs:
        return 0
    builds = db.session.execute(select(PacketBuild.id, PacketBuild.directory)
                                .where(PacketBuild.campaign.in_(slugs))).all()
    ids = [row.id for row in builds]
    db.session.execute(delete(PacketBuildFile).where(PacketBuildFile.build_id.in_(ids)))
    db.session.execute(delete(PacketBuild).where(PacketBuild.id.in_(ids)))
    db.session.commit()
    for row in builds:
        if row.directory:
            shutil.rmtree(builds_root() / row.directory, ignore_errors=True)
    if builds:
        log.info("packet builds %s removed: %s", ", ".join(str(build_id) for build_id in ids), reason)
    return len(builds)


def work_once(should_stop=lambda: False):
    """Claim one due build and work on it. Returns its id, or None when no build was due."""
    fail_exhausted(utcnow())
    claimed = claim()
    if claimed is None:
        return None
    build_id, token = claimed
    log.info("packet build %s: claimed", build_id)
    try:
        with current_app.test_request_context("/"):
            finished = run_build(build_id, token, should_stop)
        log.info("packet build %s: %s", build_id, "done" if finished else "given back (stopping)")
    except LeaseLost:
        log.warning("packet build %s: another worker holds it now; stopped", build_id)
    except SQLAlchemyError:
        raise  # the database is away: the lease runs out and the build resumes later
    except Exception as error:  # noqa: BLE001  (one build's failure never stops the worker)
        log.exception("packet build %s failed", build_id)
        db.session.rollback()
        _fail(build_id, token, error)
    return build_id


def work(should_stop=lambda: False):
    """Work on due builds until none is left (or the worker is asked to stop). Returns how many."""
    worked = 0
    while not should_stop() and work_once(should_stop) is not None:
        worked += 1
    return worked
