"""Email: signed links, messages in the signer's language, the outbox and its worker, news.

Nothing here talks to an SMTP server during a request: pages queue messages in the outbox in
their own transaction, and `flask outbox send` delivers them (outbox.py).
"""
