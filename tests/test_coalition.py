"""The coalition letter: organisations sign, wait for an organiser's approval, then appear, count
and are delivered; the founding signatories are there from the start; contacts stay private."""
import json

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from campaign.campaigns.coalition import FOUNDING_SIGNATORIES
from campaign.extensions import db
from campaign.models import AuditEntry, Organisation
from conftest import csrf_token
from test_delivery import build, pdf_text, squeezed
from test_organisers import admin, log_in  # noqa: F401  (fixture)

ORGANISATION = {"organisation": "북한인권시민연합", "organisation_en": "Citizens' Alliance for North Korean Human Rights",
                "homepage": "www.nkhumanrights.or.kr", "country": "KR", "first_name": "지현", "last_name": "이",
                "email": "contact@nkhumanrights.example", "website": ""}


def sign_organisation(client, lang="ko", **changes):
    url = f"/{lang}/coalition/"
    data = {**ORGANISATION, **changes, "csrf_token": csrf_token(client, url)}
    return client.post(url, data={key: value for key, value in data.items() if value is not None})


def count(client):
    return client.get("/en/coalition/count.json").get_json()["count"]


def organiser(app):
    client = app.test_client()
    log_in(client, "admin@example.org")
    return client


def decide(client, organisation_id, decision):
    token = csrf_token(client, "/en/organisers/coalition/organisations/")
    return client.post(f"/en/organisers/coalition/organisations/{organisation_id}/{decision}",
                       data={"csrf_token": token})


def test_founding_signatories_are_listed_and_counted(client):
    page = client.get("/en/coalition/").get_data(as_text=True)
    assert len(FOUNDING_SIGNATORIES) == 9
    for name in FOUNDING_SIGNATORIES:
        assert name in page
    assert "Signed by 9 organisations" in page and count(client) == 9
    assert "Dear President Biden," in page


def test_an_organisation_signs_in_korean_and_appears_only_after_approval(app, client, admin, runner,  # noqa: F811
                                                                         tmp_path):
    assert sign_organisation(client).status_code == 303
    assert "북한인권시민연합" not in client.get("/ko/coalition/").get_data(as_text=True)
    assert count(client) == 9
    staff = organiser(app)
    pending = staff.get("/en/organisers/coalition/organisations/").get_data(as_text=True)
    assert "북한인권시민연합" in pending and "contact@nkhumanrights.example" in pending
    with app.app_context():
        organisation = db.session.execute(select(Organisation)).scalar_one()
        assert (organisation.status, organisation.locale, organisation.homepage) == (
            "pending", "ko", "https://www.nkhumanrights.or.kr")
    for _ in range(2):  # a second click changes nothing more
        assert decide(staff, organisation.id, "approve").status_code == 303
    public = BeautifulSoup(client.get("/ko/coalition/").get_data(as_text=True), "html.parser").get_text()
    assert "북한인권시민연합" in public and "Citizens' Alliance for North Korean Human Rights" in public
    assert "contact@nkhumanrights.example" not in public and "지현" not in public
    assert count(client) == 10
    packet = squeezed(pdf_text(build(runner, "coalition", tmp_path)["coalition.pdf"]))
    assert "북한인권시민연합" in packet and "HumanRightsWatch" in packet
    assert "contact@nkhumanrights.example" not in packet and "지현" not in packet
    assert decide(staff, organisation.id, "undo").status_code == 303
    assert count(client) == 9 and "북한인권시민연합" not in client.get("/ko/coalition/").get_data(as_text=True)
    assert decide(staff, organisation.id, "decline").status_code == 303
    assert count(client) == 9
    with app.app_context():
        audit = db.session.execute(select(AuditEntry.action, AuditEntry.details).where(
            AuditEntry.action.like("organisation_%")).order_by(AuditEntry.id)).all()
    assert [(action, json.loads(details)["after"]) for action, details in audit] == [
        ("organisation_approve", "approved"), ("organisation_undo", "pending"), ("organisation_decline", "rejected")]


def test_an_organisation_counts_once(app, client):
    assert sign_organisation(client).status_code == 303
    again = sign_organisation(client, lang="en", homepage="https://nkhumanrights.or.kr/about", organisation="NKHR")
    assert again.status_code == 303
    assert sign_organisation(client, homepage="", organisation="Small Group", email="a@example.org").status_code == 303
    assert sign_organisation(client, homepage="", organisation="small  group", email="b@example.org").status_code == 303
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Organisation)).scalar_one() == 2


def test_bad_input_gets_localized_errors_and_stores_nothing(app, client):
    response = sign_organisation(client, organisation="", homepage="not a site", email="nope")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "단체" in html and 'aria-invalid="true"' in html
    with app.app_context():
        assert db.session.execute(select(Organisation)).first() is None


def test_donation_link_only_when_configured(make_app):
    plain = make_app().test_client().get("/en/coalition/").get_data(as_text=True)
    assert "tax-deductible" not in plain
    configured = make_app(COALITION_DONATION_URL="https://nkfreedom.example/donate").test_client()
    page = configured.get("/en/coalition/").get_data(as_text=True)
    assert 'href="https://nkfreedom.example/donate"' in page and "tax-deductible gift" in page


def test_people_pages_do_not_apply_to_organisations(app, admin):  # noqa: F811
    staff = organiser(app)
    for url in ("/en/organisers/coalition/signatures/", "/en/organisers/coalition/paper",
                "/en/organisers/coalition/signatures.csv"):
        assert staff.get(url).status_code == 404, url
    assert staff.get("/en/organisers/xi/organisations/").status_code == 404
    dashboard = staff.get("/en/organisers/coalition/").get_data(as_text=True)
    assert "/en/organisers/coalition/organisations/" in dashboard


def test_erasing_a_contact_keeps_an_approved_organisation_and_deletes_a_pending_one(app, client, runner):
    assert sign_organisation(client).status_code == 303
    assert sign_organisation(client, organisation="Other Group", homepage="other.example").status_code == 303
    with app.app_context():
        first = db.session.execute(select(Organisation).where(Organisation.name == "북한인권시민연합")).scalar_one()
        first.status = "approved"
        db.session.commit()
    result = runner.invoke(args=["privacy", "erase", "Contact@NKHumanRights.example"])
    assert result.exit_code == 0, result.output
    assert "contact person and email were removed" in result.output and "was deleted" in result.output
    with app.app_context():
        rows = db.session.execute(select(Organisation.name, Organisation.contact_name,
                                         Organisation.contact_email)).all()
    assert rows == [("북한인권시민연합", "", "")]


def test_anonymising_a_closed_letter_removes_contacts(app, client, runner):
    from datetime import timedelta

    from campaign.models import CampaignSettings, utcnow

    assert sign_organisation(client).status_code == 303
    assert sign_organisation(client, organisation="Other Group", homepage="other.example").status_code == 303
    with app.app_context():
        db.session.execute(select(Organisation).where(Organisation.name == "북한인권시민연합")).scalar_one().status = \
            "approved"
        days = app.config["ANONYMISE_AFTER_DAYS"]
        db.session.add(CampaignSettings(campaign="coalition", closed=True, closed_at=utcnow() - timedelta(days=days + 1)))
        db.session.commit()
    result = runner.invoke(args=["privacy", "anonymise"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        rows = db.session.execute(select(Organisation.name, Organisation.contact_email)).all()
    assert rows == [("북한인권시민연합", "")]
    app.extensions.pop("sign_page_cache", None)  # the status was set here, not through the organisers' page
    assert "북한인권시민연합" in BeautifulSoup(client.get("/ko/coalition/").get_data(as_text=True),
                                       "html.parser").get_text()


def test_the_dashboard_counts_organisations_waiting_for_approval(app, admin):  # noqa: F811
    with app.app_context():
        for number in range(3):
            db.session.add(Organisation(campaign="coalition", identity_key=f"waiting-{number}", name=f"Org {number}",
                                        country="KR", contact_name="Ahn", contact_email=f"a{number}@example.org",
                                        locale="ko"))
        db.session.commit()
    html = organiser(app).get("/en/organisers/coalition/").get_data(as_text=True)
    assert "3 more organisations are waiting for approval." in html
