"""Sharing a campaign: share links, the share image and QR code, partners and social proof, and
the embeddable widget. `add_sharing_routes` adds its pages to each campaign's blueprint."""
from .views import add_sharing_routes

__all__ = ["add_sharing_routes"]
