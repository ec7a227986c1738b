"""A consent is stored with the version of the wording the signer saw: changing the English wording
without a new version would make old answers claim words nobody read."""
import hashlib

from babel.messages.pofile import read_po

from campaign.campaigns import congress, unhcr, xi
from campaign.translate import pot_path, translations_dir

# version → SHA-256 of the English question and choices it covers. When the wording changes,
# give the version a new name in the campaign module and record the new hash here.
RECORDED = {
    congress.FOLLOW_UP_WORDING: "0f85bc486fd6b74a",
    xi.EMAIL_USE_WORDING: "a8a16e608a36167d",
    unhcr.UPDATES_WORDING: "71dcc95eea7e93d0",
}

WORDING = {
    congress.FOLLOW_UP_WORDING: [
        "Send me more information about the North Korea Freedom Coalition and follow-up emails about this petition.",
    ],
    xi.EMAIL_USE_WORDING: [
        "How may we use your email address?",
        "Only to make sure my signature is counted once",
        "Also to send me news about this petition",
        "Also to send me news about this petition and the work of the North Korea Freedom Coalition",
        "Your email address will not be transmitted with the petition. It is used for internal purposes only "
        "and to ensure each response is only counted once. We will never sell your email address and will "
        "abide by your choice above on how to use your address.",
    ],
    unhcr.UPDATES_WORDING: ["Send me updates about this petition and #EscapeNorthKorea."],
}


def fingerprint(sentences):
    return hashlib.sha256("\n".join(sentences).encode()).hexdigest()[:16]


def test_recorded_wording_is_what_the_site_shows():
    with open(pot_path(translations_dir()), "rb") as handle:
        shown = {message.id for message in read_po(handle) if message.id}
    for version, sentences in WORDING.items():
        for sentence in sentences:
            assert sentence in shown, f"{version}: the site no longer shows {sentence!r}; bump the version"
        assert fingerprint(sentences) == RECORDED[version], (
            f"{version}: wording changed; give it a new version and record {fingerprint(sentences)}")
