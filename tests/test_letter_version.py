"""Each signature records the version of the letter text it was signed under (a fingerprint of
the letter in the signer's language), and packets print the versions they deliver: a later
wording change never silently becomes what earlier signers agreed to."""
import re

from flask_babel import force_locale, pgettext
from sqlalchemy import select, update

from campaign.campaigns import definitions
from campaign.delivery import letter as letter_module
from campaign.delivery.letter import letter_version
from campaign.extensions import db
from campaign.models import Signature
from conftest import confirm_pending, sign
from test_delivery import build, pdf_text, squeezed, xi_signers  # noqa: F401  (fixture)
from test_districts import districts  # noqa: F401  (fixture)
from test_organisers import admin, log_in  # noqa: F401  (fixture)
from test_paper import organiser_client, save_batch

EARLIER = "0123456789ab"


def definition(slug):
    return next(d for d in definitions() if d.slug == slug)


def current_version(app, slug, language):
    with app.test_request_context("/"):
        return letter_version(definition(slug), language)


def versions(app, slug):
    with app.app_context():
        return db.session.execute(select(Signature.first_name, Signature.letter_version)
                                  .where(Signature.campaign == slug).order_by(Signature.id)).all()


def sign_unhcr(app, client):
    for number, (first, lang) in enumerate([("Ann", "en"), ("Bob", "en"), ("Chul", "ko")]):
        assert sign(client, "unhcr", lang, first_name=first, email=f"v{number}@example.org").status_code == 303
    confirm_pending(app)


def test_web_signatures_record_the_version_of_the_letter_they_read(app, client):
    sign_unhcr(app, client)
    english, korean = current_version(app, "unhcr", "en"), current_version(app, "unhcr", "ko")
    assert re.fullmatch(r"[0-9a-f]{12}", english) and re.fullmatch(r"[0-9a-f]{12}", korean)
    assert english != korean
    assert versions(app, "unhcr") == [("Ann", english), ("Bob", english), ("Chul", korean)]


def test_the_version_is_computed_once_per_campaign_and_language(app, client, monkeypatch):
    calls = []
    original = letter_module.letter_blocks

    def counting(definition, language, **overrides):
        calls.append((definition.slug, language))
        return original(definition, language, **overrides)

    monkeypatch.setattr(letter_module, "letter_blocks", counting)
    for number in range(3):
        assert sign(client, "unhcr", "en", first_name=f"N{number}", email=f"n{number}@example.org").status_code == 303
    assert calls == [("unhcr", "en")]


def test_paper_signatures_record_the_version_of_the_batchs_language(app, admin, districts):  # noqa: F811
    client = organiser_client(app)
    assert save_batch(client, "민준;김;Anaheim;CA;92808\n", language="ko").status_code == 303
    assert versions(app, "congress") == [("민준", current_version(app, "congress", "ko"))]


def test_packets_print_the_versions_they_deliver(app, runner, tmp_path, client):
    sign_unhcr(app, client)
    text = pdf_text(build(runner, "unhcr", tmp_path)["unhcr.pdf"])
    english, korean = current_version(app, "unhcr", "en"), current_version(app, "unhcr", "ko")
    assert "Letter text versions" in text
    assert f"{english}, English, the current text: 2 signers" in text
    assert f"{korean}, Korean, the current text: 1 signer" in text


def test_an_earlier_text_is_marked_as_earlier(app, runner, tmp_path, client):
    sign_unhcr(app, client)
    with app.app_context():
        db.session.execute(update(Signature).where(Signature.first_name == "Ann").values(letter_version=EARLIER))
        db.session.execute(update(Signature).where(Signature.first_name == "Chul").values(letter_version=None))
        db.session.commit()
    text = pdf_text(build(runner, "unhcr", tmp_path)["unhcr.pdf"])
    assert f"{EARLIER}, English, an earlier text: 1 signer" in text
    assert f"{current_version(app, 'unhcr', 'en')}, English, the current text: 1 signer" in text
    assert "No version recorded, Korean: 1 signer" in text


def test_xi_packets_print_the_versions_in_both_languages(app, runner, tmp_path, xi_signers):  # noqa: F811
    files = build(runner, "xi", tmp_path)
    japan = next(path for name, path in files.items() if name.startswith("JP-embassy-"))
    flat = squeezed(pdf_text(japan))
    assert squeezed(f"{current_version(app, 'xi', 'en')}, English, the current text: 1 signer") in flat
    with app.test_request_context("/"), force_locale("zh_Hans"):
        heading = pgettext("packet", "Letter text versions")
    assert heading != "Letter text versions" and squeezed(heading) in flat


def test_the_csv_export_tells_each_signatures_version(app, client, admin):  # noqa: F811
    from test_exports import download

    sign_unhcr(app, client)
    exported = {row["first_name"]: row["letter_version"] for row in download(app, "admin@example.org", "unhcr")}
    assert exported == {"Ann": current_version(app, "unhcr", "en"), "Bob": current_version(app, "unhcr", "en"),
                        "Chul": current_version(app, "unhcr", "ko")}
