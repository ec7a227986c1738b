"""What a campaign module declares. The shared machinery reads it; campaigns hold only what differs."""
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from flask_babel import pgettext


@dataclass(frozen=True)
class ConsentAnswer:
    """One consent to store with a signature: what was asked, the answer, the wording version."""

    purpose: str
    choice: str
    wording_version: str


@dataclass(frozen=True)
class UpdatesConsent:
    """Which stored consent answers let us email a signer news (campaign/mail/updates.py).

    `purpose` is the ConsentAnswer purpose that holds the answer; `petition` the choices that
    accept news about the petition, `coalition` those that also accept news about the
    coalition's work. A later answer "withdrawn" (an unsubscribe) overrides them.
    """

    purpose: str
    petition: frozenset
    coalition: frozenset = frozenset()

    def accepts(self, choice, audience="petition"):
        return choice in (self.coalition if audience == "coalition" else self.petition)


@dataclass(frozen=True)
class CampaignDefinition:
    slug: str
    title: object  # lazy string: the campaign's headline
    summary: object  # lazy string: one sentence for the index of campaigns
    recipient: object  # lazy string: who receives the petition
    form_class: type
    # form -> the parts that identify a person for "counted once" (email, or name + ZIP)
    identity: Callable
    # form -> dict of Signature columns to store (only what the campaign promises to keep)
    signature_values: Callable
    # form -> list of ConsentAnswer
    consents: Callable = lambda form: []
    # CampaignState -> dict of facts (names, dates, numbers) for the letter's placeholders, per locale
    facts: Callable = lambda state: {}
    # () -> extra template context for the letter (e.g. congress's bill list)
    letter_context: Callable = lambda: {}
    goal: int = 1000
    # app config -> the last day signatures are accepted (inclusive), or None
    deadline: Callable = lambda config: None
    deadline_timezone: str = "America/New_York"
    # Lazy string shown next to the sign button: exactly which of the signer's details are
    # delivered, and to whom (informed consent). None for letters organisations sign.
    delivered_details: object = None
    # Languages whose text is delivered to the recipient; other translations are for reading.
    delivered_languages: tuple = ("en",)
    # Templates: intro (above the letter), letter, privacy note, actions (on the thanks page)
    templates: dict = field(default_factory=dict)
    # A signature counts only once its email address is confirmed (CONFIRMATION_REQUIRED overrides).
    requires_confirmation: bool = False
    # Which consent answers allow news by email; None: the campaign never sends news.
    updates_consent: UpdatesConsent | None = None
    # Sharing (campaign/sharing/): the campaign's hashtag without "#", only where its seed has one.
    hashtag: str | None = None
    # Organisations that run the petition with us, named as they name themselves (never translated).
    partners: tuple = ()
    # Who signs: "people" (Signature rows) or "organisations" (Organisation rows, shown and
    # counted once an organiser approves them: petitions/organisations.py).
    signers: str = "people"
    # (definition, form, language) -> True for a new signature; None: petitions.signing.record_signature.
    record: Callable | None = None
    # Organisations that signed before the site existed, as the seed names them: always on the
    # public list and in the count.
    founding_signatories: tuple = ()
    # The app config key of a donation link shown with the campaign (unset or empty: no link).
    donation_setting: str | None = None
    # ISO codes of the countries the country list shows first; None: those most of its signers
    # come from (petitions/country_order.py).
    first_countries: tuple | None = None
    # Lazy string: a note above the letter that puts it in its time (organisers may replace it
    # per language from the dashboard); None: no note unless an organiser writes one.
    editor_note: object = None
    # How the public results page counts people's signatures (petitions/results.py): by
    # "country" (a world map) or by "district" (U.S. states and congressional districts).
    # Letters organisations sign list their organisations by country instead.
    results_by: str = "country"

    def template(self, part):
        return self.templates.get(part, f"{self.slug}/{part}.html")

    def sign_button(self):
        """The call to sign: on the sign page's buttons and on the share image."""
        if self.signers == "organisations":
            # Translators: The button of a letter that organisations sign (people's petitions say "Sign the petition").
            return pgettext("button", "Sign for your organisation")
        # Translators: The button of every people's petition: on its sign page, its widget and its share image.
        return pgettext("button", "Sign the petition")


@dataclass(frozen=True)
class CampaignState:
    """A campaign as the public sees it right now."""

    definition: CampaignDefinition
    count: int | None  # None where the count was not needed (the sign POST)
    goal: int
    deadline: date | None
    closed: bool
    # Closed because its last day has passed (not only by an organiser): only then does a page
    # say "closed after <the last day>", and only a later last day opens it again.
    deadline_passed: bool = False
    # Marked by an organiser: the letter belongs to its time (a notice says so; it may still be open).
    historical: bool = False
    # The organisers' editor's notes by language tag, replacing the definition's `editor_note`.
    editor_notes: dict = field(default_factory=dict)

    def editor_note(self, tag):
        """The note above the letter in language `tag`: an organiser's, else the catalog's, else None."""
        return (self.editor_notes or {}).get(tag) or self.definition.editor_note

    @property
    def progress_percent(self):
        if self.goal <= 0:
            return 100
        return min(100, self.count * 100 // self.goal)
