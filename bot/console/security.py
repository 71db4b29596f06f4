"""Passwords: argon2id hashes, and common or guessable ones refused.

The session cookie that a login gives is the staff web's (bot/staffweb/sessions.py).
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Checked when the login does not exist, so a wrong login costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False


# zxcvbn's score: 3 means about 10^8 guesses or more ("safely unguessable" for an online attack
# that argon2 and the login throttle slow down). Below it: common passwords (zxcvbn's bundled list
# of 30 000 from breaches), repeats (111111111111), keyboard runs, dictionary words, dates.
MIN_STRENGTH = 3
_WEAK = (
    "To hasło łatwo odgadnąć (popularne hasło, powtórzenia, ciąg klawiszy lub dane konta). "
    "Proszę wybrać inne, np. kilka niezwiązanych ze sobą słów."
)


def password_problem(password: str, min_chars: int, *personal: str) -> str | None:
    """Why a new password cannot be used (Polish), or None; `personal`: login, first name."""
    if len(password) < min_chars:
        return f"Hasło musi mieć co najmniej {min_chars} znaków."
    words = [w for w in personal if w] + ["mops", "krakow", "kraków", "konsola"]
    if zxcvbn(password[:100], user_inputs=words)["score"] < MIN_STRENGTH:
        return _WEAK
    return None
