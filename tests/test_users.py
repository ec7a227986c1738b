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
