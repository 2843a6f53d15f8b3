#!/usr/bin/env bash
# One-shot Superset set-up (docker-compose service superset-init): metadata database, admin user from the
# environment, roles, and the factory twin's dashboards from /app/twin/dashboards. Safe to run again:
# the admin is kept if it exists and the import overwrites the bundle's own objects.
set -euo pipefail

: "${SUPERSET_ADMIN_USERNAME:?set SUPERSET_ADMIN_USERNAME}"
: "${SUPERSET_ADMIN_PASSWORD:?set SUPERSET_ADMIN_PASSWORD}"
: "${SUPERSET_ADMIN_EMAIL:=admin@factory-twin.local}"
: "${ELASTICSEARCH_URL:=http://elasticsearch:9200}"
BUNDLE_DIR="${BUNDLE_DIR:-/app/twin/dashboards}"

log() { printf '%s superset-bootstrap: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

log "upgrading the metadata database"
superset db upgrade

log "creating admin ${SUPERSET_ADMIN_USERNAME} (kept if it exists)"
if ! superset fab create-admin \
        --username "$SUPERSET_ADMIN_USERNAME" --password "$SUPERSET_ADMIN_PASSWORD" \
        --firstname Factory --lastname Admin --email "$SUPERSET_ADMIN_EMAIL"; then
    superset fab list-users | grep -q -- "$SUPERSET_ADMIN_USERNAME" \
        || { log "ERROR: cannot create admin ${SUPERSET_ADMIN_USERNAME}"; exit 1; }
fi

log "initialising roles and permissions"
superset init

log "waiting for Elasticsearch at $ELASTICSEARCH_URL"
for _ in $(seq 1 60); do
    if curl -fs "$ELASTICSEARCH_URL/_cluster/health" > /dev/null; then break; fi
    sleep 5
done
curl -fs "$ELASTICSEARCH_URL/_cluster/health" > /dev/null || { log "ERROR: Elasticsearch not reachable"; exit 1; }

# superset import-dashboards takes a ZIP whose entries sit under one root folder.
zip_path="$(mktemp -d)/factory-twin-dashboards.zip"
python - "$BUNDLE_DIR" "$zip_path" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
    for base, _, files in os.walk(src):
        for name in files:
            path = os.path.join(base, name)
            z.write(path, os.path.join("factory_twin_dashboards", os.path.relpath(path, src)))
PY
log "importing dashboards from $BUNDLE_DIR"
superset import-dashboards --path "$zip_path" --username "$SUPERSET_ADMIN_USERNAME"
log "done: http://localhost:8088/superset/dashboard/factory-twin/"
