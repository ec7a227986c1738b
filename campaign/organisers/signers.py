"""How organiser pages show a signer: the name in the order of the form they signed (family name
first on a Korean or Chinese form, i18n.person_name), and the place in words, never a bare code
("CA" is Canada to one reader and California to another)."""
from ..i18n import current_language, person_name
from ..places import country_name, us_states
from . import organisers


def signer_name(signature):
    return person_name(signature.first_name, signature.last_name, signature.locale)


def asks_country(definition):
    """Whether the campaign's form asks for a country (congress's signers are all in the U.S.)."""
    return hasattr(definition.form_class, "country")


def signer_place(signature, with_country=True):
    """City, state or region, district, country: "Fullerton, California, CA-45", "Toronto, Canada"."""
    lang = current_language()
    states = us_states()
    region = signature.region
    if signature.country == "US" and region in states:
        region = states[region].name(lang)
    country = country_name(signature.country, lang) if with_country and signature.country else None
    return ", ".join(part for part in (signature.city, region, signature.district, country) if part)


@organisers.context_processor
def signer_helpers():
    return {"signer_name": signer_name, "signer_place": signer_place, "asks_country": asks_country}
