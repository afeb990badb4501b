#!/usr/bin/env bash
# Does the README's test command pass on a fresh clone?  scripts/fresh-clone-check.sh [REPO]
#
# Clones REPO (default: this checkout; its committed HEAD, not uncommitted changes) into an
# empty temporary folder with nothing beside it (no ../shared, no seed texts, no .venv, no
# .env), runs `make test` there as a newcomer would, prints the lines that say what ran and what
# was skipped, and removes the folder.  Exits with make's status: non-zero when the suite fails.
#
# The environment passes through (PG_URL, HITOBOT_REQUIRE_POSTGRES as .ci/run sets them), except
# HITOBOT_SEEDS_DIR, which is unset: a fresh clone has no source texts.  PYTEST_ARGS defaults to
# -rs, so that pytest lists the reason of every skip.  .ci/run runs this after the main `make test`.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
repo="${1:-$here}"

work="$(mktemp -d "${TMPDIR:-/tmp}/hitobot-fresh-clone.XXXXXX")"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

if [ -z "${1:-}" ] && [ -n "$(git -C "$here" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  echo "fresh clone: note: this checkout has uncommitted changes; the check runs on its committed HEAD"
fi
git clone --quiet --no-hardlinks "$repo" "$work/hitobot"
head="$(git -C "$work/hitobot" log -1 --format='%h %s' | cut -c1-100)"
echo "fresh clone: $head"
echo "fresh clone: in $work/hitobot (nothing beside it: $(ls -A "$work" | tr '\n' ' '))"

log="$work/make-test.log"
status=0
(
  cd "$work/hitobot"
  unset HITOBOT_SEEDS_DIR VIRTUAL_ENV
  export PYTEST_ARGS="${PYTEST_ARGS:--rs}"  # pytest names each skipped test's reason
  make test
) >"$log" 2>&1 || status=$?

# What ran and what was skipped: each run's header, its skips summed up by reason (pytest -rs
# prints one line per test file and line), its closing line; failures as pytest names them.
awk '
  function flush(  r) { for (r in skips) printf "  skipped %d: %s\n", skips[r], r; delete skips }
  /^== / { flush(); print; next }
  /^SKIPPED \[[0-9]+\] / {
    n = substr($2, 2, length($2) - 2) + 0
    reason = $0; sub(/^SKIPPED \[[0-9]+\] [^ ]+ /, "", reason)
    skips[reason] += n; next
  }
  /[0-9]+ (passed|failed|error)|pytest ran no tests|^FAILED|^ERROR/ { flush(); print }
  END { flush() }
' "$log"
if [ "$status" -ne 0 ]; then
  echo "---- last lines of make test in the fresh clone ----"
  tail -n 60 "$log"
  echo "fresh clone: make test FAILED (exit $status)" >&2
else
  echo "fresh clone: make test passed"
fi
exit "$status"
