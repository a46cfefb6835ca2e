#!/usr/bin/env bash
# Lint: ruff (installed by the test extra, pinned in pyproject.toml) must find nothing and reformat nothing.
# Run by .ci/run before the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
PATHS=(gmb tests tools bench)
# the ruff of the active environment (.ci/run's virtual environment has it from the test extra)
if command -v ruff >/dev/null; then RUFF=(ruff); else RUFF=(python3 -m ruff); fi
"${RUFF[@]}" --version
"${RUFF[@]}" check "${PATHS[@]}"
"${RUFF[@]}" format --check "${PATHS[@]}"
