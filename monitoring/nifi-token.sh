#!/usr/bin/env bash
# Keeps a NiFi access token in $TOKEN_FILE for Prometheus (NiFi tokens expire; this renews every 30 min).
set -euo pipefail
: "${NIFI_URL:=https://nifi:8443}"
: "${TOKEN_FILE:=/tokens/nifi.jwt}"
: "${NIFI_USERNAME:?set NIFI_USERNAME}"
: "${NIFI_PASSWORD:?set NIFI_PASSWORD}"
while :; do
    if token="$(curl -sS -k -f -X POST "$NIFI_URL/nifi-api/access/token" \
        --data-urlencode "username=$NIFI_USERNAME" --data-urlencode "password=$NIFI_PASSWORD")"; then
        printf '%s' "$token" > "$TOKEN_FILE.tmp" && mv "$TOKEN_FILE.tmp" "$TOKEN_FILE"
        echo "$(date -u +%H:%M:%S) nifi-token: refreshed $TOKEN_FILE"
        sleep 1800
    else
        echo "$(date -u +%H:%M:%S) nifi-token: login to $NIFI_URL failed, retrying in 15 s" >&2
        sleep 15
    fi
done
