"""The delivery log (issue 16, items 3, 4 and 7): an organiser records the delivery to Young Kim's
office (CA-40) and its answer; the dashboard's log, her member page (ko, en), the results page
("delivered to 1 of M offices") and the open data show it, never who delivered it; every record
and change is audited; bad input changes nothing; another campaign's organiser gets 403. The
results cache stays on (RESULTS_CACHE_SECONDS=60, warmed first): a recorded delivery shows at once."""
import csv
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader
from sqlalchemy import func, select

from campaign.congress_data import import_congress_data
from campaign.delivery.congress import member_name
from campaign.delivery.xi import missions
from campaign.extensions import db
from campaign.mail.compose import in_language
from campaign.models import AuditEntry, CongressMember, Delivery, Signature
from campaign.petitions.deliveries import CHANNEL_LABELS, STATUS_LABELS
from conftest import confirm_pending, csrf_token, sign
from test_organisers import add_user, log_in

YOUNG_KIM = "K000397"  # campaign/data/congress/legislators-current.csv: Young Kim, CA-40
DELIVERER = "Grace Deliverer-Park"
SUMMARY = "Her chief of staff received the letters and promised a written answer on H.R.3012."
GENERATED_AT = "2026-07-14T09:30:00+00:00"


@pytest.fixture
def app(make_app):
    # The results cache as in production: a delivery must show without waiting for it to expire.
    return make_app(RESULTS_CACHE_SECONDS=60)


@pytest.fixture
def ca40_signers(app, client):
    """Six signers in CA-40 (Yorba Linda, 92887) in ko, zh-Hant and en, one without their name."""
    with app.app_context():
        import_congress_data()
    for index, lang in enumerate(("ko", "ko", "zh-Hant", "zh-Hant", "en", "en")):
        extra = {"withhold_name": "y"} if index == 5 else {}
        assert sign(client, "congress", lang, first_name=f"Signer{index}", last_name="Kim", city="Yorba Linda",
                    state="CA", zip_code="92887", **extra).status_code == 303
    confirm_pending(app)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Signature)
                                  .where(Signature.district == "CA-40")).scalar_one() == 6


@pytest.fixture
def organiser(app):
    add_user(app, "congress-organiser@example.org", campaigns=("congress",), name="Sun Kim")
    client = app.test_client()
    assert log_in(client, "congress-organiser@example.org").status_code == 303
    return client


def days_ago(days):
    return (date.today() - timedelta(days=days)).isoformat()


def translated(app, lang, text):
    with app.test_request_context(f"/{lang}/"), in_language(lang):
        return str(text)


def deliveries_in_database(app):
    with app.app_context():
        return db.session.execute(select(Delivery).order_by(Delivery.id)).scalars().all()


def audit_rows(app, action):
    with app.app_context():
        return [json.loads(row.details) for row in db.session.execute(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).scalars()]


def member_count(app):
    """The offices of the congress campaign: every member of Congress with a name on file."""
    with app.app_context():
        return sum(1 for member in db.session.execute(select(CongressMember)).scalars() if member_name(member))


def form_values(page):
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    form = soup.find("form", attrs={"method": "post", "action": re.compile(r"/deliveries/new$")})
    return {field["name"]: field.get("value", "") for field in form.find_all("input") if field.get("name")}


def record(client, lang="en", **changes):
    url = f"/{lang}/organisers/congress/deliveries/new"
    data = {"csrf_token": csrf_token(client, url), "recipient": YOUNG_KIM, "delivered_on": days_ago(3),
            "channel": "by_hand", "delivered_by": DELIVERER, "count": "6", "packet_sha256": "", **changes}
    return client.post(url, data=data)


def respond(client, delivery_id, lang="en", **changes):
    url = f"/{lang}/organisers/congress/deliveries/{delivery_id}/response"
    data = {"csrf_token": csrf_token(client, url), "response_on": days_ago(1), "status": "acknowledged",
            "summary": SUMMARY, "url": "https://example.org/kim-answer.pdf", **changes}
    return client.post(url, data=data)


def packet_fingerprint(runner, tmp_path):
    """The fingerprint printed at the end of Young Kim's packet, as built by `flask delivery build`."""
    result = runner.invoke(args=["delivery", "build", "congress", "--out", str(tmp_path), "--generated-at",
                                 GENERATED_AT])
    assert result.exit_code == 0, result.output
    reader = PdfReader(Path(tmp_path) / "house" / "CA-40-young-kim.pdf")
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert "Fingerprintofthispacket" in text
    found = re.findall(r"[0-9a-f]{64}", text)
    assert len(found) == 1, found
    return found[0]


def test_a_delivery_to_young_kim_and_her_answer_are_shown_everywhere_but_never_who_delivered(
        app, client, runner, tmp_path, ca40_signers, organiser):
    offices = member_count(app)
    assert offices >= 535
    # Warm every cache the public pages use.
    for url in ("/en/congress/results", "/en/congress/results.json", "/en/congress/results.csv",
                f"/en/congress/members/{YOUNG_KIM}", f"/ko/congress/members/{YOUNG_KIM}"):
        assert client.get(url).status_code == 200
    assert "Delivered to 0 of" in client.get("/en/congress/results").get_data(as_text=True)

    # The form is filled in from her packet as it would be built now: 6 signatures, the fingerprint it prints.
    page = organiser.get(f"/en/organisers/congress/deliveries/new?recipient={YOUNG_KIM}")
    assert page.status_code == 200
    values = form_values(page)
    printed = packet_fingerprint(runner, tmp_path)
    assert values["count"] == "6" and values["packet_sha256"].replace(" ", "") == printed

    response = record(organiser, packet_sha256=values["packet_sha256"])
    assert response.status_code == 303, response.get_data(as_text=True)
    [row] = deliveries_in_database(app)
    assert (row.campaign, row.recipient_key, row.recipient_name, row.channel, row.count, row.delivered_by,
            row.packet_sha256, row.response_status) == ("congress", YOUNG_KIM, "Rep. Young Kim (R-CA-40)", "by_hand",
                                                         6, DELIVERER, printed, None)
    [entry] = audit_rows(app, "delivery_record")
    assert entry["recipient"] == YOUNG_KIM and entry["count"] == 6 and entry["packet_sha256"] == printed

    listing = organiser.get("/en/organisers/congress/deliveries/").get_data(as_text=True)
    assert "Rep. Young Kim (R-CA-40)" in listing and DELIVERER in listing and "Record the response" in listing

    assert respond(organiser, row.id).status_code == 303
    [row] = deliveries_in_database(app)
    assert (row.response_status, row.response_summary, row.response_url, row.response_on.isoformat()) == (
        "acknowledged", SUMMARY, "https://example.org/kim-answer.pdf", days_ago(1))
    [change] = audit_rows(app, "delivery_response")
    assert change["before"]["response_status"] is None and change["after"]["response_status"] == "acknowledged"
    assert respond(organiser, row.id, status="cosponsored").status_code == 303
    assert [change["after"]["response_status"] for change in audit_rows(app, "delivery_response")] == [
        "acknowledged", "cosponsored"]

    # Her page, in Korean and English: the delivery, the response, the summary marked as English.
    for lang in ("ko", "en"):
        html = client.get(f"/{lang}/congress/members/{YOUNG_KIM}").get_data(as_text=True)
        soup = BeautifulSoup(html, "html.parser")
        record_box = soup.find("dl", attrs={"data-delivery": str(row.id)})
        assert record_box is not None, lang
        text = record_box.get_text(" ", strip=True)
        assert translated(app, lang, STATUS_LABELS["cosponsored"]) in text
        assert translated(app, lang, CHANNEL_LABELS["by_hand"]) in text
        assert soup.find(attrs={"class": "response-summary"}, lang="en").get_text(strip=True) == SUMMARY
        assert record_box.find("a", href="https://example.org/kim-answer.pdf") is not None
        assert printed in text
        assert DELIVERER not in html
    korean = BeautifulSoup(client.get(f"/ko/congress/members/{YOUNG_KIM}").get_data(as_text=True),
                           "html.parser").find("dl").get_text(" ", strip=True)
    assert "Co-sponsored" not in korean and "By hand" not in korean

    # The results page: delivered to 1 of every office, 1 answered.
    results = BeautifulSoup(client.get("/en/congress/results").get_data(as_text=True), "html.parser")
    status = results.find("section", class_="delivery-status").get_text(" ", strip=True)
    assert f"Delivered to 1 of {offices:,} offices." in status and "1 has answered." in status
    assert results.select_one("table.delivery-log a")["href"] == f"/en/congress/members/{YOUNG_KIM}"

    # The open data: the log with the count, fingerprint and response, never who delivered.
    body = client.get("/en/congress/results.json").get_data(as_text=True)
    assert DELIVERER not in body and "delivered_by" not in body
    deliveries = json.loads(body)["deliveries"]
    assert (deliveries["offices"], deliveries["delivered"], deliveries["answered"]) == (offices, 1, 1)
    [item] = deliveries["log"]
    assert item == {"recipient": YOUNG_KIM, "recipient_name": "Rep. Young Kim (R-CA-40)",
                    "delivered_on": days_ago(3), "channel": "by_hand", "count": 6, "count_suppressed": False,
                    "packet_sha256": printed,
                    "response": {"date": days_ago(1), "status": "cosponsored", "summary": SUMMARY,
                                 "url": "https://example.org/kim-answer.pdf"}}
    table = client.get("/en/congress/results.csv").get_data(as_text=True)
    assert DELIVERER not in table
    [line] = [line for line in csv.DictReader(io.StringIO(table.lstrip("\ufeff"))) if line["level"] == "delivery"]
    assert (line["code"], line["count"], line["delivered_count"], line["packet_sha256"], line["response_status"]) == (
        YOUNG_KIM, "6", "6", printed, "cosponsored")


def test_a_small_delivery_count_is_suppressed_in_public(app, client, organiser):
    """A packet to a district with two signers must not tell more than the map ("fewer than 5")."""
    with app.app_context():
        import_congress_data()
    assert record(organiser, count="2").status_code == 303
    item = client.get("/en/congress/results.json").get_json()["deliveries"]["log"][0]
    assert item["count"] is None and item["count_suppressed"] is True
    html = client.get(f"/en/congress/members/{YOUNG_KIM}").get_data(as_text=True)
    assert "Fewer than 5" in BeautifulSoup(html, "html.parser").find("dl").get_text(" ", strip=True)


@pytest.mark.parametrize("changes, field", [
    ({"delivered_on": (date.today() + timedelta(days=40)).isoformat()}, "delivered_on"),
    ({"delivered_on": "2026-02-31"}, "delivered_on"),
    ({"delivered_on": "1066-10-14"}, "delivered_on"),
    ({"delivered_on": "yesterday"}, "delivered_on"),
    ({"recipient": "X999999"}, "recipient"),
    ({"recipient": "DE-embassy-berlin"}, "recipient"),  # an office of another campaign
    ({"recipient": ""}, "recipient"),
    ({"channel": "pigeon"}, "channel"),
    ({"count": "-3"}, "count"),
    ({"count": "six"}, "count"),
    ({"delivered_by": "  "}, "delivered_by"),
    ({"delivered_by": "Grace\u202eevil"}, None),  # invisible formatting is removed, not refused: saved
    ({"packet_sha256": "not-a-hash"}, "packet_sha256"),
])
def test_bad_delivery_input_gets_a_localized_error_and_changes_nothing(app, organiser, changes, field):
    with app.app_context():
        import_congress_data()
    response = record(organiser, "ko", **changes)
    if field is None:
        assert response.status_code == 303
        assert deliveries_in_database(app)[0].delivered_by == "Graceevil"
        return
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    error = soup.find(id=f"{field}-error")
    assert error is not None, field
    assert not re.search(r"[A-Za-z]{4,}", error.get_text().replace("SHA", "")), error.get_text()  # Korean, not English
    assert deliveries_in_database(app) == [] and audit_rows(app, "delivery_record") == []


@pytest.mark.parametrize("changes, field", [
    ({"url": "javascript:alert(1)"}, "url"),
    ({"url": "ftp://example.org/answer.pdf"}, "url"),
    ({"url": "data:text/html,<script>alert(1)</script>"}, "url"),
    ({"response_on": (date.today() + timedelta(days=40)).isoformat()}, "response_on"),
    ({"response_on": days_ago(10)}, "response_on"),  # before the delivery
    ({"response_on": "2026-13-01"}, "response_on"),
    ({"status": "delighted"}, "status"),
    ({"summary": ""}, "summary"),
])
def test_bad_response_input_gets_a_localized_error_and_changes_nothing(app, organiser, changes, field):
    with app.app_context():
        import_congress_data()
    assert record(organiser).status_code == 303
    [row] = deliveries_in_database(app)
    response = respond(organiser, row.id, "zh-Hant", **changes)
    assert response.status_code == 400
    error = BeautifulSoup(response.get_data(as_text=True), "html.parser").find(id=f"{field}-error")
    assert error is not None, field
    message = re.sub(r"\S*https?://\S*", "", error.get_text())  # the example addresses stay as they are
    assert not re.search(r"[A-Za-z]{4,}", message), error.get_text()  # Chinese, not English
    [row] = deliveries_in_database(app)
    assert row.response_status is None and row.response_url is None
    assert audit_rows(app, "delivery_response") == []


def test_a_delivery_typed_wrongly_is_corrected_and_the_change_audited(app, client, organiser):
    with app.app_context():
        import_congress_data()
    assert record(organiser, count="60", channel="post").status_code == 303
    [row] = deliveries_in_database(app)
    url = f"/ko/organisers/congress/deliveries/{row.id}/edit"
    page = BeautifulSoup(organiser.get(url).get_data(as_text=True), "html.parser")
    assert page.find("input", id="count")["value"] == "60" and page.find("input", id="channel-1").has_attr("checked")
    data = {"csrf_token": csrf_token(organiser, url), "recipient": YOUNG_KIM, "delivered_on": days_ago(3),
            "channel": "by_hand", "delivered_by": DELIVERER, "count": "6", "packet_sha256": ""}
    assert organiser.post(url, data=data).status_code == 303
    [row] = deliveries_in_database(app)
    assert (row.count, row.channel) == (6, "by_hand")
    [change] = audit_rows(app, "delivery_change")
    assert (change["before"]["count"], change["after"]["count"]) == (60, 6)
    assert (change["before"]["channel"], change["after"]["channel"]) == ("post", "by_hand")
    assert client.get("/en/congress/results.json").get_json()["deliveries"]["log"][0]["count"] == 6

    # A delivery date after the office's recorded response: a Korean error, nothing changes.
    assert respond(organiser, row.id).status_code == 303
    response = organiser.post(url, data={**data, "csrf_token": csrf_token(organiser, url), "delivered_on": days_ago(0)})
    assert response.status_code == 400
    error = BeautifulSoup(response.get_data(as_text=True), "html.parser").find(id="delivered_on-error")
    assert error is not None and not re.search(r"[A-Za-z]{4,}", error.get_text())
    [row] = deliveries_in_database(app)
    assert row.delivered_on.isoformat() == days_ago(3) and len(audit_rows(app, "delivery_change")) == 1


def test_no_answer_needs_no_summary_and_does_not_count_as_answered(app, client, organiser):
    with app.app_context():
        import_congress_data()
    assert record(organiser).status_code == 303
    [row] = deliveries_in_database(app)
    assert respond(organiser, row.id, status="no_answer", summary="", url="").status_code == 303
    deliveries = client.get("/en/congress/results.json").get_json()["deliveries"]
    assert (deliveries["delivered"], deliveries["answered"]) == (1, 0)
    assert deliveries["log"][0]["response"] == {"date": days_ago(1), "status": "no_answer", "summary": None,
                                                "url": None}


def test_an_organiser_of_another_campaign_gets_403(app):
    with app.app_context():
        import_congress_data()
    add_user(app, "xi-organiser@example.org", campaigns=("xi",), name="Mei Chen")
    client = app.test_client()
    assert log_in(client, "xi-organiser@example.org").status_code == 303
    assert client.get("/en/organisers/congress/deliveries/").status_code == 403
    assert client.get(f"/en/organisers/congress/deliveries/new?recipient={YOUNG_KIM}").status_code == 403
    token = csrf_token(client, "/en/organisers/xi/deliveries/new")
    response = client.post("/en/organisers/congress/deliveries/new", data={
        "csrf_token": token, "recipient": YOUNG_KIM, "delivered_on": days_ago(1), "channel": "by_hand",
        "delivered_by": "Someone", "count": "6"})
    assert response.status_code == 403
    assert deliveries_in_database(app) == []
    signed_out = app.test_client().get("/en/organisers/congress/deliveries/")
    assert signed_out.status_code in (302, 303)


def test_xi_offices_are_the_missions_and_a_delivery_names_one_as_its_packet_does(app, client):
    add_user(app, "xi-organiser@example.org", campaigns=("xi",), name="Mei Chen")
    organiser = app.test_client()
    assert log_in(organiser, "xi-organiser@example.org").status_code == 303
    for index in range(6):
        assert sign(client, "xi", first_name=f"Hanna{index}", last_name="Weber", city="Berlin", country="DE",
                    email=f"hanna{index}@example.org").status_code == 303
    confirm_pending(app)
    berlin = next(mission for mission in missions() if mission.host_country == "DE" and mission.type == "embassy")
    page = organiser.get("/en/organisers/xi/deliveries/new?recipient=DE-embassy-berlin")
    values = {field["name"]: field.get("value", "") for field in BeautifulSoup(page.get_data(as_text=True),
              "html.parser").select("form[method=post] input[name]")}
    assert values["count"] == "6" and len(values["packet_sha256"].replace(" ", "")) == 64
    url = "/en/organisers/xi/deliveries/new"
    response = organiser.post(url, data={"csrf_token": csrf_token(organiser, url), "recipient": "DE-embassy-berlin",
                                         "delivered_on": days_ago(2), "channel": "post", "delivered_by": DELIVERER,
                                         "count": "6", "packet_sha256": values["packet_sha256"]})
    assert response.status_code == 303
    deliveries = client.get("/zh-Hans/xi/results.json").get_json()["deliveries"]
    assert (deliveries["offices"], deliveries["delivered"]) == (len(missions()), 1)
    assert deliveries["log"][0]["recipient_name"] == berlin.name_en
    section = BeautifulSoup(client.get("/zh-Hans/xi/results").get_data(as_text=True), "html.parser").find(
        "section", class_="delivery-status")
    assert f"已递交至{len(missions())}个机构中的1个。" in section.get_text(strip=True)
    # Xi has no member pages: the results page lists each delivery, the office named as its packet names it.
    [row] = section.select("table.delivery-log tbody tr")
    assert row.th.get_text(strip=True) == berlin.name_en and row.th["lang"] == "en"
    assert DELIVERER not in str(section)


def test_unhcr_has_one_office_chosen_for_the_organiser(app, client):
    add_user(app, "unhcr-organiser@example.org", campaigns=("unhcr",), name="Ji-woo Lee")
    organiser = app.test_client()
    assert log_in(organiser, "unhcr-organiser@example.org").status_code == 303
    for index in range(3):
        assert sign(client, "unhcr", email=f"unhcr{index}@example.org", first_name=f"Ji{index}").status_code == 303
    confirm_pending(app)
    assert "Delivered to 0 of 1 office." in client.get("/en/unhcr/results").get_data(as_text=True)
    page = BeautifulSoup(organiser.get("/en/organisers/unhcr/deliveries/new").get_data(as_text=True), "html.parser")
    assert page.find("select", id="recipient").find("option", selected=True)["value"] == "unhcr"
    assert page.find("input", id="count")["value"] == "3"
