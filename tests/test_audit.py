"""The audit log is complete and holds no secrets: commands run from the command line name the
operating-system user who ran them (there is no signed-in organiser to name)."""
import json

from sqlalchemy import select

from campaign.audit import audit_command, command_line_actor
from campaign.extensions import db
from campaign.models import AuditEntry
from conftest import sign


def entries(app, action):
    with app.app_context():
        return [(entry.user_id, entry.campaign, json.loads(entry.details))
                for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                                .order_by(AuditEntry.id))]


def test_mail_update_is_audited_with_the_operating_system_user(app, client, runner, monkeypatch):
    """News emails to every consenting signer used to leave no trace of who sent them."""
    monkeypatch.setattr("getpass.getuser", lambda: "ops-lee")
    assert sign(client, "unhcr", updates="y").status_code == 303
    for _ in range(2):
        result = runner.invoke(args=["mail", "update", "unhcr", "delivered"])
        assert result.exit_code == 0, result.output
    audited = entries(app, "mail_update")
    assert [(user, campaign, details["actor"], details["via"], details["template"], details["audience"])
            for user, campaign, details in audited] == [(None, "unhcr", "ops-lee", "command line", "delivered",
                                                         "petition")] * 2
    assert [details["queued"] + details["repeated"] for _u, _c, details in audited] == [audited[0][2]["queued"]] * 2


def test_a_refused_mail_update_writes_nothing(app, runner):
    assert runner.invoke(args=["mail", "update", "nope", "delivered"]).exit_code != 0
    assert entries(app, "mail_update") == []


def test_delivery_build_names_the_operating_system_user(app, runner, tmp_path, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "ops-park")
    result = runner.invoke(args=["delivery", "build", "unhcr", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [(user, campaign, details)] = entries(app, "export_packets")
    assert (user, campaign, details["actor"], details["via"]) == (None, "unhcr", "ops-park", "command line")


def test_the_command_line_helper_is_the_one_way_commands_are_audited(app, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "ops-choi")
    assert command_line_actor() == "ops-choi"
    with app.app_context():
        audit_command("privacy_erase", "xi", found=2)
        db.session.commit()
    assert entries(app, "privacy_erase") == [(None, "xi", {"actor": "ops-choi", "via": "command line", "found": 2})]
