"""Guatemala's calendar: what day it is there, and the day a stored instant fell on there.

Everything stored is UTC (storage: `DateTime(timezone=True)`; SQLite hands the values back
without their zone). People read days in Guatemala's time: an update posted at 8 p.m. on 30 June
is "30 de junio", though it is already 1 July in UTC. Guatemala keeps UTC-6 all year (no
daylight saving time since 2006), so a fixed offset is exact and needs no time-zone database.
"""

from __future__ import annotations

import datetime as dt

GUATEMALA = dt.timezone(dt.timedelta(hours=-6), "America/Guatemala")


def local_now() -> dt.datetime:
    """Now, in Guatemala."""
    return dt.datetime.now(GUATEMALA)


def today() -> dt.date:
    """Today's date in Guatemala (a server runs in UTC: after 6 p.m. its date is tomorrow's)."""
    return local_now().date()


def local_day(instant: dt.datetime) -> dt.date:
    """The day `instant` fell on in Guatemala; a naive instant is UTC (as stored)."""
    aware = instant if instant.tzinfo is not None else instant.replace(tzinfo=dt.UTC)
    return aware.astimezone(GUATEMALA).date()
