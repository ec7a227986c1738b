"""Who a signer is, for counting each person once: normalised text hashed into a key."""
import hashlib
import unicodedata

# Providers that ignore dots in the local part: f.o.o@gmail.com is foo@gmail.com's mailbox.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def normalise(text):
    """NFKC (full-width and compatibility forms fold together), case-folded, whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(folded.split())


def canonical_email(email):
    """One mailbox, one form: the key of a person whose identity is an email address.

    Plus tags are dropped at every domain (minji+1@… and minji+2@… reach one inbox, so they
    would let one person confirm a thousand signatures), and Gmail's dots and googlemail.com
    fold into one address, as UK Parliament petitions do. Only the key is canonical: the
    address is stored and written to as the signer typed it.
    """
    address = normalise(email)
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        domain = DOTLESS_DOMAINS[domain]
        local = local.replace(".", "")
    return f"{local}@{domain}"


def identity_key(*parts):
    """A stable key for the same person: equal parts (after normalising) give an equal key."""
    joined = "\x1f".join(normalise(part) for part in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def email_identity(form):
    """The identity of a campaign that counts a person once per email address."""
    return (canonical_email(form.email.data),)


def email_key(email):
    """The key of an email address alone, to find one person's signatures in every campaign."""
    return identity_key(canonical_email(email)) if email else None
