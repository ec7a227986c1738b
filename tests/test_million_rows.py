"""The queries that stay flat at a million signatures (issue 17, item 3; bench/million.py) give the
same answers as before, and on PostgreSQL they read the indexes of migration 0017."""
import re

import pytest
from sqlalchemy import select, text

from campaign.extensions import db
from campaign.models import Signature
from campaign.organisers.moderation import _search
from campaign.petitions.identity import email_key
from campaign.privacy import erase
from test_organisers import admin, log_in  # noqa: F401  (fixture)


def add(app, **values):
    with app.app_context():
        email = values.get("email")
        signature = Signature(**{"campaign": "xi", "identity_key": values.pop("identity_key", None) or
                                 email_key(email or values["first_name"]), "last_name": "Lee",
                                 "email_key": email_key(email) if email else None, "locale": "ko", "country": "KR",
                                 **values})
        db.session.add(signature)
        db.session.commit()
        return signature.id


def found(app, words):
    with app.app_context():
        query = _search(select(Signature.id).where(Signature.campaign == "xi"), words).order_by(Signature.id)
        return db.session.execute(query).scalars().all()


def test_search_finds_a_word_in_one_field_and_never_across_two(app):
    minji = add(app, first_name="Minji", last_name="Kim", city="Seoul", email="minji@example.org")
    wei = add(app, first_name="Wei", last_name="Chen", city=None, email="wei@example.org")
    assert found(app, "inj") == [minji]
    assert found(app, "SEOUL") == [minji]
    assert found(app, "chen") == [wei]
    # The three fields joined by spaces hold "kim seoul", but no one field does: nothing found.
    assert found(app, "kim seoul") == []
    assert found(app, "ji kim") == []
    assert found(app, "WEI@example.org") == [wei]


def test_erase_finds_a_signature_by_its_identity_key_alone(app):
    """A row whose identity is the address but whose email key is gone is still found (the lookup
    names the campaigns so that it reads uq_signature_campaign_identity)."""
    address = "only.identity@example.org"
    kept = add(app, first_name="Other", email="other@example.org")
    target = add(app, first_name="Ji-woo", email=None, identity_key=email_key(address), campaign="unhcr")
    with app.app_context():
        report = erase(address)
        db.session.commit()
        assert [(item.signature_id, item.action) for item in report.signatures] == [(target, "anonymised")]
        assert db.session.get(Signature, kept).email == "other@example.org"


def plan(app, build):
    """The plan PostgreSQL picks for build()'s query, with its parameters bound as the app binds
    them, where only a bitmap scan of an index that matches a condition costs nothing extra (the
    test tables are tiny: otherwise any plan would do)."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the indexes of 0017 that need an expression are PostgreSQL's")
        compiled = build().compile(db.engine, compile_kwargs={"render_postcompile": True})
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            db.session.execute(text(f"SET LOCAL {setting} = off"))
        rows = db.session.connection().exec_driver_sql(f"EXPLAIN {compiled}", compiled.params).scalars().all()
        db.session.rollback()
        return "\n".join(rows)


def test_search_reads_the_trigram_index_on_postgresql(app):
    with app.app_context():
        if db.engine.dialect.name == "postgresql" and not db.session.execute(
                text("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_signature_search'")).first():
            pytest.skip("this PostgreSQL has no pg_trgm: the migration left the search index out")
    assert "ix_signature_search" in plan(app, lambda: _search(select(Signature.id), "zyxwvu"))


def test_anonymise_reads_only_what_is_left_to_do_on_postgresql(app):
    assert "ix_signature_not_anonymised" in plan(app, lambda: select(Signature.id).where(
        Signature.campaign == "unhcr", Signature.status.in_(("counted", "hidden")), Signature.anonymised_at.is_(None)))


def vacuumed(app):
    with app.app_context():
        return db.session.execute(text("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'signature'")
                                  ).scalar_one()


def test_anonymising_vacuums_what_it_removed_on_postgresql(app, runner):
    """The versions of the rows before anonymisation (emails, addresses) do not wait on disk for
    autovacuum, and the next daily run does not wade through them."""
    from datetime import timedelta

    from campaign.models import CampaignSettings, utcnow

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite rewrites freed pages itself; VACUUM there would copy the whole file")
    add(app, first_name="Ji-woo", email="jiwoo@example.org", campaign="unhcr")
    before = vacuumed(app)
    assert "no campaign closed" in runner.invoke(args=["privacy", "anonymise"]).output
    assert vacuumed(app) == before  # nothing anonymised, nothing to vacuum
    with app.app_context():
        db.session.add(CampaignSettings(campaign="unhcr", closed=True, closed_at=utcnow() - timedelta(days=400)))
        db.session.commit()
    assert runner.invoke(args=["privacy", "anonymise", "--dry-run"]).exit_code == 0
    assert vacuumed(app) == before  # a dry run changes nothing
    result = runner.invoke(args=["privacy", "anonymise"])
    assert "unhcr (closed" in result.output and "1 signature(s) anonymised" in result.output
    assert vacuumed(app) == before + 1


def names_listed(html):
    return re.findall(r'<td translate="no">([^<]*)</td>', html)


def test_page_links_read_from_the_page_edge_and_show_what_page_numbers_show(app, admin, monkeypatch):  # noqa: F811
    """"Older" and "Newer" carry the page's last or first signature, so a page deep in a long list
    is read through ix_signature_campaign_status instead of skipping every row before it (OFFSET);
    each shows what the page number alone shows, and a mistyped anchor is ignored."""
    import campaign.organisers.moderation as moderation

    monkeypatch.setattr(moderation, "PAGE_SIZE", 2)
    for number in range(7):
        add(app, first_name=f"Signer{number}", email=f"signer{number}@example.org")
    browser = app.test_client()
    log_in(browser, "admin@example.org")
    listing = "/en/organisers/xi/signatures/"
    by_number = [names_listed(browser.get(f"{listing}?page={page}").get_data(as_text=True)) for page in (1, 2, 3, 4)]
    assert [len(names) for names in by_number] == [2, 2, 2, 1]
    # A typed page number finds its first row by skipping ids alone: the same rows, newest first.
    assert [re.search(r"Signer(\d)", name).group(1) for name in sum(by_number, [])] == list("6543210")
    past_the_end = browser.get(f"{listing}?page=5").get_data(as_text=True)
    assert names_listed(past_the_end) == [] and f'<a href="{listing}?page=1">First page</a>' in past_the_end

    def follow(html, label):
        links = dict((text, href) for href, text in re.findall(r'<a href="([^"]+)">(Newer|Older)</a>', html))
        return browser.get(links[label].replace("&amp;", "&")).get_data(as_text=True)

    page = browser.get(listing).get_data(as_text=True)
    for expected in by_number[1:]:
        page = follow(page, "Older")
        assert names_listed(page) == expected
    assert "Older" not in page
    for expected in (by_number[2], by_number[1]):
        page = follow(page, "Newer")
        assert names_listed(page) == expected
    # Back to the first page: the newest signatures, with no anchor (ones signed meanwhile show).
    assert f'<a href="{listing}?page=1">Newer</a>' in page
    first = follow(page, "Newer")
    assert names_listed(first) == by_number[0] and "Newer" not in first
    for odd in ("before=x", "before=-4", "after=0", "before=99999999999999999999999"):
        assert names_listed(browser.get(f"{listing}?page=2&{odd}").get_data(as_text=True)) == by_number[1], odd
