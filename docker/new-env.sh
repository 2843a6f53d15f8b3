#!/usr/bin/env bash
# Writes .env from .env.example with a fresh random secret for every "change-me" placeholder, so the stack starts
# (check-secrets.sh refuses placeholders). Leaves an existing .env alone.
# Usage: docker/new-env.sh [TARGET]   (default: .env beside .env.example)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-$root/.env}"
if [ -e "$target" ]; then
    echo "new-env: $target exists; left as it is"
    exit 0
fi
secret() { LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 40; }
while IFS= read -r line || [ -n "$line" ]; do
    if [[ "$line" =~ ^([A-Z_]+)=change-me ]]; then
        printf '%s=%s\n' "${BASH_REMATCH[1]}" "$(secret)"
    else
        printf '%s\n' "$line"
    fi
done <"$root/.env.example" >"$target"
chmod 600 "$target"
echo "new-env: wrote $target with generated secrets (NiFi login: see NIFI_USERNAME / NIFI_PASSWORD in it)"
