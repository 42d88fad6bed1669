#!/usr/bin/env bash
# Runs pytest and treats exit 5 ("no tests collected") as a failure with a
# clear message: a suite that runs nothing must never pass silently.
set -uo pipefail
PYTHON="${1:-python}"
"$PYTHON" -m pytest
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests (exit 5): treating as failure" >&2
  exit 1
fi
exit "$rc"
