"""Names and facts that several campaigns' letters use, translated once in the catalog."""
from flask_babel import pgettext


def coalition_name():
    # Translators: The organisation that runs these petitions. Use its established name in your language.
    return pgettext("organisation", "North Korea Freedom Coalition")


def kim_jong_un():
    # Translators: Name of North Korea's leader, as written in your language (in every letter and intro).
    return pgettext("person", "Kim Jong Un")


def xi_jinping():
    # Translators: Name of the President of the People's Republic of China (letter to Xi Jinping, its sign page and packets).
    return pgettext("person", "Xi Jinping")
