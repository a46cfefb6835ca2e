#!/usr/bin/env bash
# Lint: ruff (installed by the test extra, pinned in pyproject.toml) must find nothing and reformat nothing.
# Not yet part of .ci/run: the code is reformatted once, after the branches of this round are merged.
set -euo pipefail
cd "$(dirname "$0")/.."
PATHS=(gmb tests tools bench)
ruff --version
ruff check "${PATHS[@]}"
ruff format --check "${PATHS[@]}"
