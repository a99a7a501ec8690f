"""Slow password hashes (argon2id) and high-entropy secrets."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP's minimum argon2id configuration: 19 MiB, two passes, one lane.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
# Verified against when the user key is unknown, so that the answer takes as long as for a
# known user with a wrong password.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant-effort check; ``stored_hash=None`` burns the same time and returns False."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_secret(nbytes: int = 32) -> str:
    """A URL-safe random secret (``nbytes`` * 8 bits of entropy)."""
    return secrets.token_urlsafe(nbytes)


def secret_hash(secret: str) -> str:
    """SHA-256 of a high-entropy secret (tokens, links); fast hashing is enough for those."""
    return hashlib.sha256(secret.encode()).hexdigest()


def same_secret(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def initial_password() -> str:
    """A random initial password for a new user (delivered out of band, T II.1)."""
    return secrets.token_urlsafe(12)
