"""Organiser accounts from the command line: `flask users create|set-password|disable`."""
from sqlalchemy import select

from campaign.accounts import verify_password
from campaign.extensions import db
from campaign.models import User

PASSWORD = "correct horse battery"


def user(app, email):
    with app.app_context():
        return db.session.scalars(select(User).where(User.email == email)).first()


def create(runner, *args, password=PASSWORD):
    return runner.invoke(args=["users", "create", *args], input=f"{password}\n{password}\n")


def test_create_stores_an_argon2_hash_and_a_normalised_email(app, runner):
    result = create(runner, " Organiser@Example.ORG ", "--name", "Sun Kim")
    assert result.exit_code == 0, result.output
    assert "Created organiser account organiser@example.org." in result.output
    assert PASSWORD not in result.output
    account = user(app, "organiser@example.org")
    assert (account.name, account.role, account.disabled_at) == ("Sun Kim", "organiser", None)
    assert account.password_hash.startswith("$argon2id$") and PASSWORD not in account.password_hash
    assert verify_password(account, PASSWORD) and not verify_password(account, PASSWORD + "!")


def test_create_admin_and_refuse_a_second_account_for_the_same_email(app, runner):
    assert create(runner, "lead@example.org", "--name", "Lead", "--role", "admin").exit_code == 0
    assert user(app, "lead@example.org").role == "admin"
    again = create(runner, "LEAD@example.org", "--name", "Other")
    assert again.exit_code != 0 and "already exists" in again.output
    with app.app_context():
        assert len(db.session.scalars(select(User)).all()) == 1


def test_short_password_or_mismatched_confirmation_creates_nothing(app, runner):
    short = create(runner, "a@example.org", "--name", "A", password="short")
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    mismatch = runner.invoke(args=["users", "create", "a@example.org", "--name", "A"],
                             input=f"{PASSWORD}\n{PASSWORD}x\n")
    assert mismatch.exit_code != 0
    assert user(app, "a@example.org") is None


def test_set_password_replaces_the_hash(app, runner):
    create(runner, "a@example.org", "--name", "A")
    before = user(app, "a@example.org")
    new = "another long passphrase"
    result = runner.invoke(args=["users", "set-password", "A@example.org"], input=f"{new}\n{new}\n")
    assert result.exit_code == 0, result.output
    after = user(app, "a@example.org")
    assert after.password_hash != before.password_hash
    assert verify_password(after, new) and not verify_password(after, PASSWORD)
    assert after.password_changed_at >= before.password_changed_at


def test_disable_keeps_the_row(app, runner):
    create(runner, "a@example.org", "--name", "A")
    result = runner.invoke(args=["users", "disable", "a@example.org"])
    assert result.exit_code == 0, result.output
    assert user(app, "a@example.org").disabled_at is not None


def test_unknown_account_is_an_error(runner):
    for command in (["users", "disable", "nobody@example.org"],
                    ["users", "set-password", "nobody@example.org", "--password", PASSWORD]):
        result = runner.invoke(args=command)
        assert result.exit_code != 0 and "no account for nobody@example.org" in result.output


def test_a_malformed_hash_is_a_wrong_password():
    assert not verify_password(User(password_hash="not a hash"), PASSWORD)


def audit_rows(app):
    import json

    from campaign.models import AuditEntry

    with app.app_context():
        return [(entry.action, entry.user_id, entry.campaign, json.loads(entry.details))
                for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_every_account_command_is_audited_with_the_operating_system_user(app, runner, monkeypatch):
    """Who created, changed or disabled an account, and when: before, none of it was in the audit log."""
    monkeypatch.setattr("getpass.getuser", lambda: "ops-kim")
    create(runner, "a@example.org", "--name", "A", "--role", "admin")
    account = user(app, "a@example.org").id
    assert runner.invoke(args=["users", "grant", "a@example.org", "xi"]).exit_code == 0
    assert runner.invoke(args=["users", "grant", "a@example.org", "xi"]).exit_code == 0  # nothing new: no row
    assert runner.invoke(args=["users", "revoke", "a@example.org", "xi"]).exit_code == 0
    new = "another long passphrase"
    assert runner.invoke(args=["users", "set-password", "a@example.org"], input=f"{new}\n{new}\n").exit_code == 0
    assert runner.invoke(args=["users", "disable", "a@example.org"]).exit_code == 0
    by_os_user = {"via": "command line", "actor": "ops-kim", "account": account, "email": "a@example.org"}
    assert audit_rows(app) == [
        ("user_create", None, None, {**by_os_user, "role": "admin"}),
        ("user_grant", None, "xi", by_os_user),
        ("user_revoke", None, "xi", by_os_user),
        ("user_set_password", None, None, {**by_os_user, "sessions_ended": 0}),
        ("user_disable", None, None, {**by_os_user, "sessions_ended": 0}),
    ]
    for _action, _user, _campaign, details in audit_rows(app):
        assert PASSWORD not in str(details) and new not in str(details)


def test_an_unknown_operating_system_user_is_still_audited(app, runner, monkeypatch):
    def no_user():
        raise OSError("no username set in the environment")

    monkeypatch.setattr("getpass.getuser", no_user)
    create(runner, "a@example.org", "--name", "A")
    [(action, _user, _campaign, details)] = audit_rows(app)
    assert action == "user_create" and details["actor"] == "unknown"
