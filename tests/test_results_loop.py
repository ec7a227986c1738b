"""Issue 16's "Done when", end to end through the real forms: signers in CA-40 (ko, zh-Hant, en)
and TX-30 and in Germany and Iceland; the results page and open data with small places
suppressed; an organiser records the delivery to Young Kim's office and its answer; an update
to CA-40 reaches exactly the CA-40 signers who asked for news and confirmed, each in their
language. Each part has its own detailed tests (test_results, test_delivery_log,
test_campaign_updates); this one checks that they work together."""
import json
import re
from datetime import date, timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select

from campaign.campaigns import congress, xi
from campaign.congress_data import import_congress_data
from campaign.extensions import db
from campaign.models import OutboxMessage, Signature
from campaign.petitions.confirmation import confirm_signature
from conftest import csrf_token, sign
from test_organisers import add_user, log_in

CA40_ZIP, TX_ZIP = "92887", "75201"  # Yorba Linda (CA-40) and Dallas (TX-30)
YOUNG_KIM = "K000397"
# (first name, language, asks for news with an address)
CA40 = [("Minji", "ko", True), ("Jiho", "ko", False), ("Meiling", "zh-Hant", True), ("Weiting", "zh-Hant", True),
        ("Grace", "en", True), ("Daniel", "en", False)]
UPDATE = {"en": ("The office answered", "Rep. Young Kim's office has answered our letter."),
          "ko": ("의원실이 답변했습니다", "영 김 하원의원실이 우리 서한에 답변했습니다."),
          "zh-Hant": ("議員辦公室已回覆", "金映玉眾議員辦公室已回覆我們的信。")}


def by_code(items, code):
    return next(item for item in items if item["code"] == code)


def test_signers_results_delivery_and_news_work_together(make_app):
    app = make_app(SITE_URL="http://petitions.test", RESULTS_CACHE_SECONDS=0)
    with app.app_context():
        import_congress_data()
    for name, lang, news in CA40:
        assert sign(app.test_client(), "congress", lang, first_name=name, last_name="Kim", city="Yorba Linda",
                    state="CA", zip_code=CA40_ZIP, email=f"{name.lower()}@example.org" if news else "",
                    follow_up="y" if news else None).status_code == 303
    for name in ("Tom", "Ann"):
        assert sign(app.test_client(), "congress", "en", first_name=name, last_name="Lee", city="Dallas", state="TX",
                    zip_code=TX_ZIP, email=f"{name.lower()}@example.org", follow_up="y").status_code == 303
    for number in range(6):
        assert sign(app.test_client(), "xi", "en", first_name=f"Lena{number}", last_name="Schmidt", city="Berlin",
                    region="Berlin", country="DE", email=f"lena{number}@example.de",
                    email_use="petition_updates").status_code == 303
    assert sign(app.test_client(), "xi", "en", first_name="Sigrun", last_name="Jonsdottir", city="Reykjavik",
                region="", country="IS", email="sigrun@example.is").status_code == 303
    with app.app_context():  # everyone who gave an address opens the link in their email
        for row in db.session.execute(select(Signature).where(Signature.email.is_not(None))).scalars().all():
            confirm_signature(congress.definition if row.campaign == "congress" else xi.definition, row.id)
        db.session.commit()

    client = app.test_client()
    congress_data = json.loads(client.get("/en/congress/results.json").get_data(as_text=True))
    assert by_code(congress_data["states"], "CA")["count"] == 6
    assert by_code(congress_data["districts"], "CA-40")["count"] == 6
    assert by_code(congress_data["states"], "TX")["suppressed"]
    assert by_code(congress_data["districts"], "TX-30")["suppressed"]
    page = BeautifulSoup(client.get("/ko/congress/results").get_data(as_text=True), "html.parser")
    california = [cell.get_text(strip=True)
                  for cell in page.find("tr", attrs={"data-place": "CA"}).find_all(["th", "td"])]
    assert california[:2] == ["캘리포니아주", "6"]
    assert page.find("tr", attrs={"data-place": "TX-30"}).find_all("td")[-1].get_text(strip=True) == "5 미만"
    xi_data = json.loads(client.get("/en/xi/results.json").get_data(as_text=True))
    assert by_code(xi_data["countries"], "DE")["count"] == 6
    iceland = by_code(xi_data["countries"], "IS")
    assert (iceland["count"], iceland["suppressed"]) == (None, True)

    add_user(app, "mina@example.org", campaigns=["congress"], name="Mina Organiser")
    organiser = app.test_client()
    assert log_in(organiser, "mina@example.org").status_code == 303
    url = "/en/organisers/congress/deliveries/new"
    assert organiser.post(url, data={
        "csrf_token": csrf_token(organiser, url), "recipient": YOUNG_KIM, "channel": "by_hand", "count": "6",
        "delivered_on": (date.today() - timedelta(days=2)).isoformat(), "delivered_by": "Grace Park",
        "packet_sha256": ""}).status_code == 303
    with app.app_context():
        from campaign.models import Delivery

        delivery_id = db.session.execute(select(Delivery.id)).scalar_one()
    url = f"/en/organisers/congress/deliveries/{delivery_id}/response"
    assert organiser.post(url, data={
        "csrf_token": csrf_token(organiser, url), "response_on": (date.today() - timedelta(days=1)).isoformat(),
        "status": "acknowledged", "summary": "The office received the letters and will answer in writing.",
        "url": ""}).status_code == 303
    deliveries = json.loads(client.get("/en/congress/results.json").get_data(as_text=True))["deliveries"]
    assert (deliveries["delivered"], deliveries["answered"]) == (1, 1)
    assert deliveries["log"][0]["recipient"] == YOUNG_KIM and "Grace Park" not in json.dumps(deliveries)

    form = {"audience": "district", "district": "CA-40"}
    for index, tag in enumerate(("en", "ko", "zh-Hans", "zh-Hant")):
        form[f"subject_{index}"], form[f"body_{index}"] = UPDATE.get(tag, ("", ""))
    url = "/en/organisers/congress/news/new"
    created = organiser.post(url, data={**form, "csrf_token": csrf_token(organiser, url)})
    update_id = int(re.search(r"/news/(\d+)/$", created.headers["Location"]).group(1))
    page_url = f"/en/organisers/congress/news/{update_id}/"
    assert organiser.post(f"/en/organisers/congress/news/{update_id}/send",
                          data={"csrf_token": csrf_token(organiser, page_url)}).status_code == 303
    with app.app_context():
        sent = db.session.execute(select(OutboxMessage.to_address, OutboxMessage.locale, OutboxMessage.subject)
                                  .where(OutboxMessage.kind.startswith("news:"))).all()
    assert sorted(sent) == sorted([("minji@example.org", "ko", UPDATE["ko"][0]),
                                   ("meiling@example.org", "zh-Hant", UPDATE["zh-Hant"][0]),
                                   ("weiting@example.org", "zh-Hant", UPDATE["zh-Hant"][0]),
                                   ("grace@example.org", "en", UPDATE["en"][0])])
