"""Where an organiser page sits in its campaign's navigation, so that the link to it is marked
(aria-current). Read from the route's path, /<campaign>/<section>/…: a new route falls into its
section without being listed. A page inside a section (a confirmation, a preview) sets
`nav_subpage` in its template: its section's link says aria-current="true", not "page"."""
from flask import request

from . import organisers

# The first part of the path after the campaign -> its link in the navigation ("" is the dashboard).
SECTION_OF_PATH = {"": "dashboard", "state": "dashboard", "settings": "dashboard", "notes": "dashboard",
                   "signatures": "signatures", "paper": "paper", "media": "media", "packets": "packets",
                   "deliveries": "deliveries", "organisations": "organisations",
                   "news": "news"}


def current_section():
    rule = request.url_rule.rule if request.url_rule is not None else ""
    _before, found, after = rule.partition("/<campaign>/")
    return SECTION_OF_PATH.get(after.split("/")[0]) if found else None


@organisers.context_processor
def navigation_context():
    return {"nav_section": current_section()}
