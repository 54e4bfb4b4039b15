#!/usr/bin/env bash
# Validates every GitHub Actions workflow of the CI examples (examples/ci/github/*.yml) against GitHub's workflow
# schema with @action-validator/cli (pinned in .ci/package.json and .ci/package-lock.json). Exits non-zero when any
# workflow is invalid or the validator cannot run; .ci/run counts that as a failure.
#
#   bash .ci/validate-workflows.sh
set -uo pipefail

ci_dir="$(cd "$(dirname "$0")" && pwd)"
repo_dir="$(dirname "$ci_dir")"
validator="$ci_dir/node_modules/.bin/action-validator"

log() { echo "validate-workflows: $*" >&2; }

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  log "error: Node.js (node and npm) is required to validate the workflows and is not on PATH"
  exit 1
fi

if [ ! -x "$validator" ]; then
  # npm install (not npm ci): it adds what the lock file holds and is missing, without removing Azurite while it runs.
  log "installing @action-validator/cli from .ci/package-lock.json"
  if ! npm install --prefix "$ci_dir" --no-audit --no-fund --loglevel=error >&2; then
    log "error: could not install @action-validator/cli"
    exit 1
  fi
fi

shopt -s nullglob
workflows=("$repo_dir"/examples/ci/github/*.yml "$repo_dir"/examples/ci/github/*.yaml)
if [ "${#workflows[@]}" -eq 0 ]; then
  log "error: no workflow found in examples/ci/github/"
  exit 1
fi

invalid=0
for workflow in "${workflows[@]}"; do
  name="${workflow#"$repo_dir"/}"
  # The validator warns that it does not check globs (paths:); those warnings are not failures.
  if output=$("$validator" "$workflow" 2>&1); then
    log "ok: $name"
  else
    log "invalid: $name"
    printf '%s\n' "$output" >&2
    invalid=$((invalid + 1))
  fi
done

if [ "$invalid" -gt 0 ]; then
  log "error: $invalid of ${#workflows[@]} workflow(s) do not match GitHub's workflow schema"
  exit 1
fi

log "${#workflows[@]} workflow(s) match GitHub's workflow schema"
