"""Certificate ids: short, unguessable, easy to read out and type back.

An id is "RND-" and two groups of four characters from Crockford's base 32 (digits and capital
letters without I, L, O and U): 40 random bits. Typed back, case, spaces and the letters
people confuse with digits (O for 0, I and L for 1) do not matter.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from enum import StrEnum

from rounds.rules.educator import Policy, RateLimit

PREFIX = "RND"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS, GROUP = 2, 4
EXAMPLE = "RND-7KQ2-M9XD"
_SHAPE = re.compile(rf"^{PREFIX}-[{ALPHABET}]{{{GROUP}}}-[{ALPHABET}]{{{GROUP}}}$")
_CONFUSED = str.maketrans({"O": "0", "I": "1", "L": "1"})
LONGEST_TYPED = 40  # characters of typed input looked at; anything longer is not an id
# Checks from one client address: an educator's office checking a pile of certificates passes;
# a script guessing ids (and filling the log with misses) is held to this.
CHECKS = RateLimit(limit=30, window=60.0)


def check_key(address: str) -> tuple[str, Policy]:
    """Return the throttle key and policy of a certificate check from `address`."""
    return f"verify:address:{address}", CHECKS


def new_certificate_id() -> str:
    """Return a new random certificate id such as RND-7KQ2-M9XD."""
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(GROUP)) for _ in range(GROUPS))
    return "-".join((PREFIX, *groups))


def parse_certificate_id(typed: str) -> str | None:
    """Return the certificate id `typed` stands for (in its printed form), or None if malformed."""
    if not isinstance(typed, str) or len(typed) > LONGEST_TYPED:
        return None
    letters = re.sub(r"[\s-]", "", typed).upper()
    if not letters.startswith(PREFIX):
        return None
    body = letters[len(PREFIX) :].translate(_CONFUSED)
    if len(body) != GROUPS * GROUP:
        return None
    found = f"{PREFIX}-{body[:GROUP]}-{body[GROUP:]}"
    return found if _SHAPE.match(found) else None


class Verdict(StrEnum):
    """What checking a typed certificate id found."""

    valid = "valid"
    unknown = "unknown"  # well formed, but never issued (or its learner's data was purged)
    malformed = "malformed"  # not the shape of a certificate id at all


def verdict_text(
    verdict: Verdict, module_title: str = "", completed_on: dt.date | None = None
) -> str:
    """Return what a check of a certificate id tells the person who asked, and nothing more."""
    if verdict is Verdict.valid and completed_on is not None:
        return f"Valid: {module_title}, completed {completed_on.day} {completed_on:%B %Y}"
    if verdict is Verdict.malformed:
        return f"Not a certificate id: they look like {EXAMPLE} (letters and digits)."
    return "Not found: no certificate with this id was issued by this site."
