"""The campaigns this site runs: one small module each, registered as its own blueprint."""
from . import coalition, congress, unhcr, xi

CAMPAIGN_MODULES = (congress, xi, unhcr, coalition)


def definitions():
    return [module.definition for module in CAMPAIGN_MODULES]


def register_campaigns(app):
    from ..petitions import visitor_csrf

    visitor_csrf.init_app(app)  # the sign forms' visitor cookie
    for module in CAMPAIGN_MODULES:
        app.register_blueprint(module.blueprint)
