"""A real SMTP server in the test process (aiosmtpd on 127.0.0.1, a free port) and helpers to
send the outbox to it and read what arrived."""
import email
import re
import socket
import threading
from email.policy import default as default_policy
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

SITE_URL = "http://petitions.test"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """What the server received, and how it should answer the next messages."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []
        self.refuse_data = 0  # answer this many DATA commands with a 451
        self.refuse_recipients = set()  # answer RCPT TO for these with a 550

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_recipients:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse_data:
                self.refuse_data -= 1
                return "451 4.3.0 Please try again later"
            message = email.message_from_bytes(envelope.original_content or envelope.content, policy=default_policy)
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 2.0.0 Message accepted"

    def to(self, address):
        return [message for _sender, recipients, message in self.messages if address in recipients]


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port(), enable_SMTPUTF8=True)
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture
def mail_app(make_app, mailbox):
    def build(**settings):
        return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port, SITE_URL=SITE_URL,
                        MAIL_FROM="petitions@petitions.test", MAIL_TIMEOUT=5, **settings)
    return build


def send_outbox(app, now=None):
    from campaign.mail import outbox

    with app.app_context():
        return outbox.drain(now=now)


def bodies(message):
    """(plain text, HTML) of a received message, decoded."""
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


LINK = re.compile(re.escape(SITE_URL) + r"(/[^\s\"<>]+)")


def link_path(text, part):
    """The path of the first link in `text` that contains `part` (e.g. "/confirm/")."""
    for match in LINK.finditer(text):
        if part in match.group(1):
            return urlsplit(match.group(0)).path
    raise AssertionError(f"no link with {part!r} in:\n{text}")


CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def press_button(client, path, status=200):
    """Open the page at `path` like a browser and press its button (a POST with its CSRF token)."""
    page = client.get(path)
    assert page.status_code == status, (path, page.status_code)
    html = page.get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+)"', html).group(1)
    token = CSRF_FIELD.search(html).group(1)
    return client.post(action, data={"csrf_token": token})


def expired_token(app, signature_id, days, slug="xi"):
    """A genuine confirmation token signed `days` ago (what an old email holds)."""
    from campaign.mail.links import CONFIRM_SALT

    class PastSigner(TimestampSigner):
        def get_timestamp(self):
            return super().get_timestamp() - days * 24 * 3600

    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=CONFIRM_SALT, signer=PastSigner).dumps(
        [signature_id, slug])
