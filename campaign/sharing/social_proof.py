"""Partners and social proof: "Join Fathom Film Group, Hanvoice and … and 585 supporters"."""
from babel.lists import format_list
from flask_babel import format_decimal, get_locale, gettext as _, ngettext


def partner_list(definition):
    """The partners' names joined the way the page's language joins a list ("A, B and C", "A、B和C")."""
    return format_list(list(definition.partners), style="standard", locale=get_locale())


def social_proof(state):
    """One sentence naming the partners and the real count, or None for a campaign without partners."""
    if not state.definition.partners:
        return None
    partners = partner_list(state.definition)
    count = state.count
    if state.closed:
        if count == 0:
            # Translators: On a closed petition that nobody signed. %(partners)s is a list of organisations, already joined ("A, B and C").
            return _("%(partners)s backed this petition.", partners=partners)
        # Translators: On a closed petition. %(partners)s is a list of organisations, already joined ("A, B and C"); %(number)s the final number of signers, already formatted.
        return ngettext("%(partners)s and %(number)s supporter backed this petition.",
                        "%(partners)s and %(number)s supporters backed this petition.",
                        count, partners=partners, number=format_decimal(count))
    if count == 0:
        # Translators: Invitation on an open petition nobody has signed yet. %(partners)s is a list of organisations, already joined ("A, B and C").
        return _("Join %(partners)s and be the first to sign.", partners=partners)
    # Translators: Invitation on an open petition. %(partners)s is a list of organisations, already joined ("A, B and C"); %(number)s is how many people have signed, already formatted.
    return ngettext("Join %(partners)s and %(number)s supporter.", "Join %(partners)s and %(number)s supporters.",
                    count, partners=partners, number=format_decimal(count))
