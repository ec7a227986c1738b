"""The organisers' CSV: only the fields the role and the signers' consent allow, safe in a spreadsheet."""
import csv
import io
import json

from sqlalchemy import select

from campaign.extensions import db
from campaign.models import ROLE_ORGANISER, AuditEntry
from conftest import confirm_pending, older_street_address, sign
from test_organisers import add_user, admin, log_in  # noqa: F401  (fixture)


def download(app, email, campaign):
    client = app.test_client()
    log_in(client, email)
    response = client.get(f"/en/organisers/{campaign}/signatures.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_emails_only_of_signers_who_agreed(app, client, admin):  # noqa: F811
    assert sign(client, "unhcr", first_name="Yes", email="yes@example.org", updates="y").status_code == 303
    assert sign(client, "unhcr", first_name="No", email="no@example.org", updates=None).status_code == 303
    confirm_pending(app)
    exported = {row["first_name"]: row for row in download(app, "admin@example.org", "unhcr")}
    assert exported["Yes"]["email"] == "yes@example.org"
    assert exported["No"]["email"] == ""


def test_street_address_and_zip_only_for_admins(app, client, admin):  # noqa: F811
    add_user(app, "organiser@example.org", ROLE_ORGANISER, campaigns=["congress"])
    assert sign(client, "congress", first_name="Ann").status_code == 303
    older_street_address(app, "Ann", "9 Quiet Lane")  # signed when the form still asked for it
    admin_rows = download(app, "admin@example.org", "congress")
    organiser_rows = download(app, "organiser@example.org", "congress")
    assert admin_rows[0]["street_address"] == "9 Quiet Lane" and admin_rows[0]["postal_code"] == "92833"
    assert "street_address" not in organiser_rows[0] and "postal_code" not in organiser_rows[0]
    assert organiser_rows[0]["city"] == "Fullerton" and organiser_rows[0]["region"] == "CA"
    with app.app_context():
        entries = db.session.execute(select(AuditEntry.user_id, AuditEntry.details).where(
            AuditEntry.action == "export_csv").order_by(AuditEntry.id)).all()
    assert len(entries) == 2 and "street_address" in json.loads(entries[0][1])["columns"]
    assert "street_address" not in json.loads(entries[1][1])["columns"]


def test_formulas_are_defused(app, client, admin):  # noqa: F811
    assert sign(client, "congress", first_name="=HYPERLINK(\"http://x\")", last_name="+SUM(A1)",
                city="@cmd").status_code == 303
    row = download(app, "admin@example.org", "congress")[0]
    assert row["first_name"] == "'=HYPERLINK(\"http://x\")"
    assert row["last_name"] == "'+SUM(A1)" and row["city"] == "'@cmd"
