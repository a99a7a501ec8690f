"""The replay cache: a signed message (or a nonce) is accepted once within its lifetime."""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bipro_service.adapters.db.security_models import ReplayCacheEntry

#: Expired entries are swept on about one insert in this many.
SWEEP_ONE_IN = 200


def first_sighting(
    session_factory: sessionmaker[Session], key: str, until: datetime, now: datetime
) -> bool:
    """Record ``key``; False if it was seen before (a replay). Commits on its own, so a parallel
    duplicate on another worker is refused by the primary key."""
    with session_factory() as session:
        try:
            with session.begin():
                session.add(ReplayCacheEntry(key=key, expires_at=until))
        except IntegrityError:
            return False
        if random.randrange(SWEEP_ONE_IN) == 0:  # noqa: S311 (load spreading, not security)
            with session.begin():
                session.execute(delete(ReplayCacheEntry).where(ReplayCacheEntry.expires_at < now))
    return True
