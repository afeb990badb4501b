#!/usr/bin/env bash
# Make the PostgreSQL of the test run reachable, if it can be: scripts/ensure-postgres.sh URL PYTHON
#   URL     the SQLAlchemy URL `make test-postgres` will use (its database must exist)
#   PYTHON  a Python with psycopg and SQLAlchemy (the project's .venv/bin/python)
# Exit 0 when a connection to URL works. When nothing listens on URL's host and port, the host is
# this machine and one of its PostgreSQL clusters is down on that port (Debian's pg_lsclusters),
# start it and wait up to 30 s. Otherwise exit 1 and print on stdout one line saying why
# (progress goes to stderr).
set -uo pipefail
url=${1:?usage: ensure-postgres.sh URL PYTHON}
python=${2:?usage: ensure-postgres.sh URL PYTHON}

# probe: exit 0 connected; 2 nothing listening (or host unknown); 1 a server answered but the
# connection failed (login, missing database, ...). Prints the reason on failure.
probe() {
  "$python" - "$url" <<'PY'
import socket
import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage.db import normalize_url

url = make_url(normalize_url(sys.argv[1]))
tcp = bool(url.host) and not url.host.startswith("/")  # else libpq's Unix socket
where = f"{url.host}:{url.port or 5432}/{url.database}" if tcp else f"the local socket/{url.database}"
if tcp:
    try:
        socket.create_connection((url.host, url.port or 5432), timeout=3).close()
    except OSError as e:
        print(f"no PostgreSQL server at {where} ({e.strerror or e})")
        sys.exit(2)
engine = create_engine(url, connect_args={"connect_timeout": 5})
try:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
except Exception as e:  # noqa: BLE001 - any failure means: no PostgreSQL run
    reason = str(getattr(e, "orig", None) or e).strip().splitlines()[0]
    print(f"PostgreSQL at {where} refused the connection: {reason}")
    sys.exit(1 if tcp else 2)
finally:
    engine.dispose()
PY
}

# local_port: the URL's port when its host is this machine (else exit 1)
local_port() {
  "$python" - "$url" <<'PY'
import sys

from sqlalchemy.engine import make_url

url = make_url(sys.argv[1])
if url.host not in (None, "", "localhost", "127.0.0.1", "::1"):
    sys.exit(1)
print(url.port or 5432)
PY
}

reason=$(probe) && exit 0
status=$?
if [ "$status" -eq 2 ] && port=$(local_port) && command -v pg_lsclusters >/dev/null 2>&1; then
  # the machine's cluster on that port, if it is down: "version name"
  cluster=$(pg_lsclusters -h 2>/dev/null | awk -v port="$port" '$3 == port && $4 == "down" {print $1, $2; exit}')
  if [ -n "$cluster" ]; then
    echo "PostgreSQL is not running; starting cluster ${cluster/ //} (port $port)" >&2
    # shellcheck disable=SC2086  # "version name" are two arguments
    if pg_ctlcluster --skip-systemctl-redirect $cluster start >&2; then
      for _ in $(seq 1 30); do
        reason=$(probe) && exit 0
        [ $? -eq 2 ] || break
        sleep 1
      done
    else
      reason="$reason; starting cluster ${cluster/ //} failed"
    fi
  fi
fi
echo "$reason"
exit 1
