#!/usr/bin/env bash
# One-shot check every other service of the stack waits for (depends_on: service_completed_successfully):
# refuses to start the stack while a secret is unset, still a placeholder of .env.example ("change-me"), or short.
# Usage: check-secrets.sh   (reads the variables below from the environment; compose passes them from .env)
set -u
min_length() {
    case "$1" in
        SUPERSET_SECRET_KEY) echo 32 ;; # signs Superset's sessions: `openssl rand -base64 42`
        *) echo 12 ;;                   # NiFi needs at least 12 characters for both of its secrets
    esac
}
bad=0
for name in NIFI_PASSWORD NIFI_SENSITIVE_PROPS_KEY SUPERSET_SECRET_KEY SUPERSET_ADMIN_PASSWORD GRAFANA_ADMIN_PASSWORD; do
    value="${!name:-}"
    lower="$(printf '%s' "$value" | tr '[:upper:]' '[:lower:]')"
    need="$(min_length "$name")"
    if [ -z "$value" ]; then
        echo "check-secrets: $name is not set: set it in .env" >&2; bad=1
    elif [[ "$lower" == *change-me* || "$lower" == *changeme* ]]; then
        echo "check-secrets: $name is still the placeholder of .env.example: set a real secret in .env" >&2; bad=1
    elif [ "${#value}" -lt "$need" ]; then
        echo "check-secrets: $name has ${#value} characters; at least $need are needed" >&2; bad=1
    fi
done
if [ "$bad" -ne 0 ]; then
    echo "check-secrets: the stack does not start with these secrets (see .env.example)" >&2
    exit 1
fi
echo "check-secrets: secrets are set"
