"""Delivery packets built in the background (campaign/delivery/jobs.py, organisers/packets.py):
the dashboard's button queues a build, a worker claims it with a lease and writes the files one
by one, and a build whose worker was killed is finished by the next worker, each file once and
byte-identical to `flask delivery build` with the same time."""
import hashlib
import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext, ngettext, pgettext
from sqlalchemy import select, text, update

from campaign.delivery import jobs
from campaign.extensions import db
from campaign.models import (BUILD_DONE, BUILD_FAILED, BUILD_QUEUED, BUILD_RUNNING, PacketBuild, PacketBuildFile,
                             Signature, utcnow)
from conftest import csrf_token
from test_delivery import congress_signers, squeezed, pdf_text, xi_signers  # noqa: F401  (fixtures)
from test_districts import districts  # noqa: F401  (fixture)
from test_organisers import add_user, admin, audit_actions, log_in  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
PAGE = "/{lang}/organisers/{campaign}/packets/"


def organiser(app, lang="en", email="admin@example.org"):
    client = app.test_client()
    assert log_in(client, email, lang=lang).status_code == 303
    return client


def ensure_built(app, campaign):
    """The campaign's packets as a worker builds them, unless a build is already finished (for tests
    of what the packets page lists and serves)."""
    with app.app_context():
        if db.session.scalar(select(PacketBuild.id).where(PacketBuild.campaign == campaign,
                                                          PacketBuild.status == BUILD_DONE)) is None:
            jobs.queue_build(campaign, None)
            db.session.commit()
            assert jobs.work() == 1


def ask_for_build(client, campaign="congress", lang="en"):
    url = PAGE.format(lang=lang, campaign=campaign)
    return client.post(url, data={"csrf_token": csrf_token(client, url)})


def run_worker(app, **kwargs):
    with app.app_context():
        return jobs.work(**kwargs)


def build_row(app, build_id=None):
    with app.app_context():
        query = select(PacketBuild).order_by(PacketBuild.id.desc())
        if build_id:
            query = query.where(PacketBuild.id == build_id)
        build = db.session.scalars(query).first()
        db.session.expunge(build)
        return build


def file_rows(app, build_id):
    with app.app_context():
        return db.session.execute(select(PacketBuildFile.filename, PacketBuildFile.sha256, PacketBuildFile.size)
                                  .where(PacketBuildFile.build_id == build_id)
                                  .order_by(PacketBuildFile.position)).all()


def stop_when_written(app, number):
    """A worker's should_stop: true once `number` packets of the build are recorded."""
    def should_stop():
        with app.app_context():
            return db.session.scalar(select(PacketBuild.packets_done).order_by(PacketBuild.id.desc())) >= number
    return should_stop


def built_now(app, client, campaign="congress", lang="en"):
    """Press "Build all packets", then let a worker (in this process) build them."""
    assert ask_for_build(client, campaign, lang).status_code == 303
    assert run_worker(app) == 1
    build = build_row(app)
    assert build.status == BUILD_DONE, build.error
    return build


def cli_build(runner, campaign, out, generated_at):
    result = runner.invoke(args=["delivery", "build", campaign, "--out", str(out),
                                 "--generated-at", generated_at.isoformat()])
    assert result.exit_code == 0, result.output
    return {str(path.relative_to(out)): path.read_bytes() for path in Path(out).rglob("*.pdf")}


def flask_command(*args):
    return [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", *args]


def folder_files(app, build):
    pdf = Path(app.config["PACKET_BUILDS_DIR"]) / build.directory / "pdf"
    return {str(path.relative_to(pdf)): path.read_bytes() for path in pdf.rglob("*") if path.is_file()}


# --- the queue: one build at a time, claims and leases ------------------------------------------

def test_one_build_at_a_time_per_campaign(app, admin):  # noqa: F811
    with app.app_context():
        first = jobs.queue_build("congress", None)
        db.session.commit()
        assert first is not None and first.status == BUILD_QUEUED and first.directory == f"congress/{first.id}"
        assert jobs.queue_build("congress", None) is None  # refused, nothing added
        assert jobs.queue_build("xi", None) is not None  # another campaign may build meanwhile
        db.session.commit()
        assert db.session.scalar(select(PacketBuild.id).where(PacketBuild.campaign == "congress")
                                 .order_by(PacketBuild.id.desc()).limit(1)) == first.id
    # The database itself refuses a second active build (two organisers pressing at once).
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        db.session.add(PacketBuild(campaign="congress", active="congress", status=BUILD_QUEUED,
                                   generated_at=utcnow(), attempts=0, packets_done=0))
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_a_claim_leases_the_build_to_one_worker_until_the_lease_lapses(app):
    with app.app_context():
        build = jobs.queue_build("xi", None)
        db.session.commit()
        now = utcnow()
        build_id, token = jobs.claim(now)
        assert build_id == build.id
        assert jobs.claim(now) is None  # leased: a second worker gets nothing
        row = db.session.get(PacketBuild, build_id)
        db.session.refresh(row)
        assert (row.status, row.attempts, row.lease_token) == (BUILD_RUNNING, 1, token)
        assert row.locked_until - now == timedelta(seconds=app.config["PACKET_BUILD_LEASE_SECONDS"])
        started_at = row.started_at
        # The packets print the time the worker started (and read the signatures), not when asked.
        assert started_at is not None and row.generated_at == now.replace(microsecond=0)
        # The first worker died: once its lease has lapsed the build goes to the next worker.
        later = now + timedelta(seconds=app.config["PACKET_BUILD_LEASE_SECONDS"] + 1)
        build_id_again, token_again = jobs.claim(later)
        assert build_id_again == build_id and token_again != token
        db.session.refresh(row)
        assert row.attempts == 2 and row.started_at == started_at  # started once
        assert row.generated_at == now.replace(microsecond=0)  # a resumed build prints the same time
        # The first worker, come back, can no longer renew or record anything.
        with pytest.raises(jobs.LeaseLost):
            jobs.renew(build_id, token)
        jobs.renew(build_id, token_again, packets_done=3)
        db.session.commit()
        db.session.refresh(row)
        assert row.packets_done == 3 and row.locked_until > later - timedelta(seconds=1)


def test_on_postgresql_a_claim_skips_a_build_another_worker_is_claiming(app):
    """FOR UPDATE SKIP LOCKED: a worker never waits for another's claim, it takes the next build."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite has one writer and the compare-and-set")
        first = jobs.queue_build("xi", None)
        second = jobs.queue_build("unhcr", None)
        db.session.commit()
        first_id, second_id = first.id, second.id
        with db.engine.connect() as other_worker:
            # The other worker is in the middle of claiming the first build: its row is locked.
            other_worker.execute(select(PacketBuild.id).where(PacketBuild.id == first_id).with_for_update())
            db.session.execute(text("SET lock_timeout = '5s'"))  # waiting would fail the test, not hang it
            build_id, _token = jobs.claim()
            other_worker.rollback()
        assert build_id == second_id


def test_progress_is_recorded_packet_by_packet_and_a_stopped_worker_gives_the_build_back(
        app, runner, tmp_path, congress_signers, admin):  # noqa: F811
    client = organiser(app)
    assert ask_for_build(client).status_code == 303
    seen = []

    def stop_after_two():
        # Asked before each packet (and between builds): what the database says is written so far.
        with app.app_context():
            build = db.session.scalars(select(PacketBuild)).one()
            seen.append((build.packets_done, build.packets_total))
        return build.packets_done >= 2

    run_worker(app, should_stop=stop_after_two)
    build = build_row(app)
    total = build.packets_total
    # Before the claim; then before each packet, one more recorded each time, until told to stop.
    assert seen[:4] == [(0, None), (0, total), (1, total), (2, total)]
    # Given back, not failed: running, no lease, the attempt not counted, two files recorded.
    assert (build.status, build.packets_done, build.locked_until, build.lease_token, build.attempts) == (
        BUILD_RUNNING, 2, None, None, 0)
    assert len(file_rows(app, build.id)) == 2
    # The next worker resumes it at once and writes only the rest.
    assert run_worker(app) == 1
    build = build_row(app, build.id)
    assert (build.status, build.packets_done, build.packets_total, build.active) == (BUILD_DONE, total, total, None)
    rows = file_rows(app, build.id)
    assert len(rows) == len({name for name, _sha, _size in rows}) == total == 4  # Kim, Tran, Padilla, summary
    written = folder_files(app, build)
    assert written == cli_build(runner, "congress", tmp_path / "cli", build.generated_at)
    for name, sha, size in rows:
        assert hashlib.sha256(written[name]).hexdigest() == sha and len(written[name]) == size
    assert build.signatures == 5 and build.skipped == 1


def test_a_worker_that_lost_its_lease_stops_and_records_nothing(app, xi_signers):  # noqa: F811
    with app.app_context():
        jobs.queue_build("xi", None)
        db.session.commit()
        build_id, token = jobs.claim()
        # Another worker took it over meanwhile (this one was frozen past its lease).
        db.session.execute(update(PacketBuild).values(lease_token="another-worker"))
        db.session.commit()
        with app.test_request_context("/"), pytest.raises(jobs.LeaseLost):
            jobs.run_build(build_id, token)
        assert db.session.scalars(select(PacketBuildFile)).all() == []
        row = db.session.get(PacketBuild, build_id)
        assert (row.status, row.lease_token) == (BUILD_RUNNING, "another-worker")


def test_a_resumed_build_writes_again_a_recorded_file_that_was_damaged(app, runner, tmp_path, xi_signers):  # noqa: F811
    with app.app_context():
        jobs.queue_build("xi", None)
        db.session.commit()
    run_worker(app, should_stop=stop_when_written(app, 2))
    build = build_row(app)
    first, second = [Path(app.config["PACKET_BUILDS_DIR"]) / build.directory / "pdf" / name
                     for name, _sha, _size in file_rows(app, build.id)]
    first.write_bytes(first.read_bytes()[:100])  # a disk that lost the end of it
    second.unlink()
    (first.parent / "KR-embassy-seoul.pdf.deadbeef.part").write_bytes(b"half a packet")
    run_worker(app)
    build = build_row(app, build.id)
    assert build.status == BUILD_DONE
    written = folder_files(app, build)
    assert written == cli_build(runner, "xi", tmp_path / "cli", build.generated_at)  # no .part left either


def test_a_build_that_fails_says_why_and_the_worker_goes_on(app, admin, xi_signers, monkeypatch):  # noqa: F811
    with app.app_context():
        jobs.queue_build("xi", None)
        jobs.queue_build("unhcr", None)
        db.session.commit()
    real = jobs.prepared

    def broken(definition, *args, **kwargs):
        if definition.slug == "xi":
            raise OSError(28, "No space left on device")
        return real(definition, *args, **kwargs)

    monkeypatch.setattr(jobs, "prepared", broken)
    assert run_worker(app) == 2
    with app.app_context():
        builds = {row.campaign: row for row in db.session.scalars(select(PacketBuild))}
        assert builds["xi"].status == BUILD_FAILED and builds["xi"].active is None
        assert builds["xi"].error == "OSError: [Errno 28] No space left on device"
        assert builds["unhcr"].status == BUILD_DONE
    html = organiser(app).get(PAGE.format(lang="en", campaign="xi")).get_data(as_text=True)
    assert "failed: OSError: [Errno 28] No space left on device" in html
    assert "Build all packets" in html  # and it can be built again


def test_a_build_whose_workers_keep_dying_fails_after_the_last_attempt(app):
    with app.app_context():
        build = jobs.queue_build("xi", None)
        db.session.commit()
        limit = app.config["PACKET_BUILD_MAX_ATTEMPTS"]
        now = utcnow()
        for attempt in range(limit):
            assert jobs.fail_exhausted(now) == 0
            assert jobs.claim(now)[0] == build.id  # and the worker is killed
            now += timedelta(seconds=app.config["PACKET_BUILD_LEASE_SECONDS"] + 1)
        assert jobs.fail_exhausted(now) == 1
        db.session.refresh(build)
        assert (build.status, build.active, build.attempts) == (BUILD_FAILED, None, limit)
        assert jobs.claim(now) is None


# --- the dashboard ------------------------------------------------------------------------------

def test_the_page_shows_the_build_under_way(app, admin, congress_signers):  # noqa: F811
    client = organiser(app)
    url = PAGE.format(lang="en", campaign="congress")
    first = client.get(url).get_data(as_text=True)
    assert "No packets have been built yet." in first and "packets.js" not in first
    assert client.get(url + "progress.json").get_json() == {"active": False}
    assert ask_for_build(client).status_code == 303
    html = client.get(url).get_data(as_text=True)
    # Never a timed reload (WCAG 2.2.1): a link, and packets.js where JavaScript runs.
    assert 'http-equiv="refresh"' not in html and "packets.js" in html and "Refresh now" in html
    assert "waiting for the packet worker to start it" in html and "Build all packets" not in html
    assert "No packet worker is working on this build" not in html  # asked for just now
    # Half written: done / total, from the database, on the page and in progress.json.
    with app.app_context():
        db.session.execute(update(PacketBuild).values(status=BUILD_RUNNING, packets_total=5, packets_done=2,
                                                      locked_until=utcnow() + timedelta(minutes=2)))
        db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert "Building: 2 of 5 packets written." in html
    assert '<progress aria-labelledby="build-progress-text" max="5" value="2">' in html
    assert client.get(url + "progress.json").get_json() == {
        "active": True, "text": "Building: 2 of 5 packets written.", "done": 2, "total": 5, "notice": None}
    # Its worker died: the page says so, and what to do.
    with app.app_context():
        db.session.execute(update(PacketBuild).values(locked_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert "No packet worker is working on this build at the moment." in html
    assert client.get(url + "progress.json").get_json()["notice"].startswith("No packet worker is working")
    # Waiting for a worker for over a minute says the same.
    with app.app_context():
        db.session.execute(update(PacketBuild).values(status=BUILD_QUEUED, locked_until=None, packets_total=None,
                                                      requested_at=utcnow() - timedelta(minutes=2)))
        db.session.commit()
    assert "No packet worker is working on this build" in client.get(url).get_data(as_text=True)


def test_the_page_in_korean(app, admin, congress_signers):  # noqa: F811
    client = organiser(app, lang="ko")
    url = PAGE.format(lang="ko", campaign="congress")
    assert ask_for_build(client, lang="ko").status_code == 303
    with app.app_context():
        db.session.execute(update(PacketBuild).values(status=BUILD_RUNNING, packets_total=5, packets_done=2,
                                                      locked_until=utcnow() + timedelta(minutes=2)))
        db.session.commit()
    html = client.get(url).get_data(as_text=True)
    with app.test_request_context("/"), force_locale("ko"):
        progress = ngettext("Building: %(done)s of %(total)s packet written.",
                            "Building: %(done)s of %(total)s packets written.", 5, done=2, total=5)
        refreshes = gettext("To see how far the build has come, reload this page.")
    assert "packets written" not in progress and progress in html and refreshes in html
    with app.app_context():
        db.session.execute(update(PacketBuild).values(locked_until=None, status=BUILD_QUEUED))
        db.session.commit()
    assert run_worker(app) == 1
    html = client.get(url).get_data(as_text=True)
    with app.test_request_context("/"), force_locale("ko"):
        button = pgettext("button", "Build all packets")
        built = gettext("These packets were built from the signatures counted on %(time)s (UTC).",
                        time="TIME").split("TIME")[0]
    assert button in html and built in html and "Rep. Young Kim (R-CA-40)" in html
    for english in ("Build all packets", "These packets were built", "File size", "Refresh now"):
        assert english not in html, english


def test_a_second_build_while_one_runs_is_refused_and_changes_nothing(app, admin, congress_signers):  # noqa: F811
    client = organiser(app)
    assert ask_for_build(client).status_code == 303
    refused = ask_for_build(client)
    assert refused.status_code == 409
    assert "These packets are already being built: only one build runs at a time." in refused.get_data(as_text=True)
    with app.app_context():
        assert len(db.session.scalars(select(PacketBuild)).all()) == 1
    assert [action for action, *_rest in audit_actions(app, "export_packets")] == ["export_packets"]


def test_builds_and_downloads_are_audited_and_a_download_is_the_finished_file(
        app, admin, congress_signers):  # noqa: F811
    client = organiser(app)
    build = built_now(app, client)
    html = client.get(PAGE.format(lang="en", campaign="congress")).get_data(as_text=True)
    assert "Rep. Young Kim (R-CA-40)" in html and "/en/organisers/congress/packets/house/CA-40-young-kim.pdf" in html
    on_disk = folder_files(app, build)
    response = client.get("/en/organisers/congress/packets/house/CA-40-young-kim.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == on_disk["house/CA-40-young-kim.pdf"]
    assert "김민준" in squeezed(pdf_text(response.data))
    assert "no-store" in response.headers["Cache-Control"]
    response.close()
    for missing in ("house/XX-99-nobody.pdf", "../../../../etc/passwd", "house/CA-40-young-kim.pdf.part",
                    "house/%00.pdf", "x" * 400, "pdf/summary.pdf"):
        assert client.get(f"/en/organisers/congress/packets/{missing}").status_code == 404, missing
    archive = client.get("/en/organisers/congress/packets.zip")
    assert archive.status_code == 200 and archive.mimetype == "application/zip"
    assert hashlib.sha256(archive.data).hexdigest() == build.zip_sha256 and len(archive.data) == build.zip_size
    with zipfile.ZipFile(io.BytesIO(archive.data)) as opened:
        assert {name: opened.read(name) for name in opened.namelist()} == on_disk
        assert opened.namelist()[0] == "summary.pdf"  # in the packets' order, the total first
    archive.close()
    entries = [(action, details) for action, _user, _campaign, details in audit_actions(app)
               if action.startswith("export")]
    assert entries == [
        ("export_packets", {"build": build.id}),
        ("export_packet", {"build": build.id, "packet": "house/CA-40-young-kim.pdf"}),
        ("export_packets_zip", {"build": build.id, "packets": 4})]


def test_nothing_to_download_before_a_build_is_finished(app, admin, congress_signers):  # noqa: F811
    client = organiser(app)
    assert client.get("/en/organisers/congress/packets/summary.pdf").status_code == 404
    assert client.get("/en/organisers/congress/packets.zip").status_code == 404
    assert ask_for_build(client).status_code == 303
    assert client.get("/en/organisers/congress/packets.zip").status_code == 404
    assert [action for action, *_rest in audit_actions(app) if action != "login"] == ["export_packets"]


def test_an_organiser_of_another_campaign_is_refused(app, admin, congress_signers):  # noqa: F811
    built_now(app, organiser(app))
    add_user(app, "xi@example.org", campaigns=["xi"])
    other = organiser(app, email="xi@example.org")
    for url in ("/en/organisers/congress/packets/", "/en/organisers/congress/packets/summary.pdf",
                "/en/organisers/congress/packets.zip", "/en/organisers/congress/packets/progress.json"):
        assert other.get(url).status_code == 403, url
    token = csrf_token(other, "/en/organisers/xi/")
    assert other.post("/en/organisers/congress/packets/", data={"csrf_token": token}).status_code == 403
    with app.app_context():
        assert len(db.session.scalars(select(PacketBuild)).all()) == 1
    assert [action for action, user, *_rest in audit_actions(app) if action.startswith("export")] == ["export_packets"]


def test_a_new_build_replaces_the_old_files_only_once_it_is_finished(app, admin, congress_signers, client):  # noqa: F811
    dashboard = organiser(app)
    old = built_now(app, dashboard)
    old_folder = Path(app.config["PACKET_BUILDS_DIR"]) / old.directory
    assert (old_folder / "packets.zip").is_file()
    # A new signer in another district, then a new build: the old files stay while it waits.
    from test_delivery import congress_signer

    congress_signer(client, "New", "Signer", "92833", district="CA-45")
    assert ask_for_build(dashboard).status_code == 303
    html = dashboard.get(PAGE.format(lang="en", campaign="congress")).get_data(as_text=True)
    assert "waiting for the packet worker" in html and "house/CA-40-young-kim.pdf" in html
    with dashboard.get("/en/organisers/congress/packets/house/CA-45-derek-tran.pdf") as response:
        assert response.status_code == 200 and "NewSigner" not in squeezed(pdf_text(response.data))
    assert run_worker(app) == 1
    new = build_row(app)
    assert new.id != old.id and new.status == BUILD_DONE
    assert not old_folder.exists()
    assert sorted(path.name for path in old_folder.parent.iterdir()) == [str(new.id)]
    with app.app_context():
        assert db.session.scalars(select(PacketBuild.id)).all() == [new.id]
    with dashboard.get("/en/organisers/congress/packets/house/CA-45-derek-tran.pdf") as response:
        assert "NewSigner" in squeezed(pdf_text(response.data))


# --- a real worker, killed mid-build ------------------------------------------------------------

# Countries with a PRC embassy of their own: one xi packet each.
COUNTRIES = ("AE", "AF", "AL", "AM", "AO", "AR", "AT", "AZ", "BD", "BE", "BG", "BH", "BO", "BR")


def many_xi_signers(app, per_country=3):
    """Counted xi signatures from many countries, written straight to the table (fast)."""
    with app.app_context():
        for index, country in enumerate(COUNTRIES):
            for number in range(per_country):
                db.session.add(Signature(campaign="xi", identity_key=f"{country}-{number}".ljust(64, "0"),
                                         first_name=f"Signer{number}", last_name=f"From{country}", city="City",
                                         country=country, locale="en", email=f"{country}{number}@example.org",
                                         status="counted"))
        db.session.commit()


def start_worker(env):
    return subprocess.Popen(flask_command("delivery", "work", "--loop", "--interval", "0.1"), cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for(app, condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        build = build_row(app)
        if condition(build):
            return build
        time.sleep(0.02)
    raise AssertionError(f"timed out; the build is {build.status} at {build.packets_done}/{build.packets_total}")


def test_a_build_outlives_a_worker_killed_mid_build(app, admin, tmp_path, migrated_database):  # noqa: F811
    many_xi_signers(app)
    client = organiser(app)
    assert ask_for_build(client, "xi").status_code == 303
    env = {**os.environ, "DATABASE_URL": migrated_database, "PACKET_BUILDS_DIR": app.config["PACKET_BUILDS_DIR"],
           "PACKET_BUILD_LEASE_SECONDS": "3"}
    first = start_worker(env)
    try:
        build = wait_for(app, lambda build: build.packets_done >= 3)
        first.send_signal(signal.SIGKILL)  # no clean-up of any kind
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
        first.communicate()
    killed = build_row(app, build.id)
    # Killed halfway: still running, its lease held by the dead worker, part of its files recorded.
    assert killed.status == BUILD_RUNNING and killed.lease_token is not None
    assert 3 <= killed.packets_done < killed.packets_total == len(COUNTRIES)
    assert len(file_rows(app, build.id)) == killed.packets_done
    page = client.get(PAGE.format(lang="en", campaign="xi")).get_data(as_text=True)
    assert f"Building: {killed.packets_done} of {len(COUNTRIES)} packets written." in page
    second = start_worker(env)
    try:
        done = wait_for(app, lambda build: build.status in (BUILD_DONE, BUILD_FAILED))
    finally:
        second.send_signal(signal.SIGTERM)
        output, _ = second.communicate(timeout=30)
    assert second.returncode == 0, output
    assert done.status == BUILD_DONE, done.error
    assert done.attempts == 2 and done.packets_done == done.packets_total == len(COUNTRIES)
    rows = file_rows(app, done.id)
    names = [name for name, _sha, _size in rows]
    assert len(names) == len(set(names)) == len(COUNTRIES)  # each file once
    written = folder_files(app, done)
    # Byte for byte what `flask delivery build` writes with the same time.
    out = tmp_path / "cli"
    command = subprocess.run(flask_command("delivery", "build", "xi", "--out", str(out), "--generated-at",
                                           done.generated_at.isoformat()),
                             cwd=ROOT, env=env, capture_output=True, text=True)
    assert command.returncode == 0, command.stdout + command.stderr
    expected = {str(path.relative_to(out)): path.read_bytes() for path in out.rglob("*.pdf")}
    assert sorted(written) == sorted(expected)
    assert [name for name in expected if written[name] != expected[name]] == []
    for name, sha, size in rows:
        assert hashlib.sha256(written[name]).hexdigest() == sha and len(written[name]) == size
    archive = client.get("/en/organisers/xi/packets.zip")
    with zipfile.ZipFile(io.BytesIO(archive.data)) as opened:
        assert sorted(opened.namelist()) == sorted(written) and len(opened.namelist()) == len(COUNTRIES)
    archive.close()
    assert audit_actions(app, "export_packets")[0][3]["build"] == done.id


def test_erasing_a_signer_removes_the_built_packets_that_named_them(app, admin, runner, congress_signers):  # noqa: F811
    build = built_now(app, organiser(app))
    folder = Path(app.config["PACKET_BUILDS_DIR"]) / build.directory
    assert "美玲" in squeezed(pdf_text((folder / "pdf" / "house/CA-40-young-kim.pdf").read_bytes()))
    dry = runner.invoke(args=["privacy", "erase", "mei@example.org", "--dry-run"])
    assert "would be: packets built on the dashboard for congress removed" in dry.output
    assert folder.is_dir() and build_row(app, build.id) is not None
    result = runner.invoke(args=["privacy", "erase", "mei@example.org"])
    assert result.exit_code == 0, result.output
    assert "packets built on the dashboard for congress removed (they named the person)" in result.output
    assert not folder.exists()
    with app.app_context():
        assert db.session.scalars(select(PacketBuild)).all() == []
        assert db.session.scalars(select(PacketBuildFile)).all() == []
    client = organiser(app)
    assert client.get("/en/organisers/congress/packets/house/CA-40-young-kim.pdf").status_code == 404
    assert "No packets have been built yet." in client.get(PAGE.format(lang="en", campaign="congress")).get_data(
        as_text=True)
    [(_action, _user, _campaign, details)] = audit_actions(app, "privacy_erase")[-1:]
    assert details["packet_builds_removed"] == 1


def test_the_worker_once_from_the_command_line(app, runner, xi_signers):  # noqa: F811
    with app.app_context():
        jobs.queue_build("xi", None)
        db.session.commit()
    result = runner.invoke(args=["delivery", "work"])
    assert result.exit_code == 0 and "1 build(s) worked on" in result.output, result.output
    assert build_row(app).status == BUILD_DONE
    assert "0 build(s) worked on" in runner.invoke(args=["delivery", "work"]).output


def test_a_build_removed_while_it_runs_stops_its_worker_and_leaves_no_file(app, congress_signers):  # noqa: F811
    with app.app_context():
        jobs.queue_build("congress", None)
        db.session.commit()
    root = Path(app.config["PACKET_BUILDS_DIR"])

    def erase_halfway():
        # An erasure (flask privacy erase) while the worker is between two packets.
        with app.app_context():
            if db.session.scalar(select(PacketBuild.packets_done)) == 2:
                jobs.discard_builds(["congress"], "a signer was erased")
        return False

    assert run_worker(app, should_stop=erase_halfway) == 1
    with app.app_context():
        assert db.session.scalars(select(PacketBuild)).all() == []
    assert [path for path in root.rglob("*") if path.is_file()] == []
    assert not (root / "congress").exists() or list((root / "congress").iterdir()) == []
    assert root.stat().st_mode & 0o777 == 0o700  # the folder of all builds is the app's own
