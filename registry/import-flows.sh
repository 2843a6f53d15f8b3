#!/usr/bin/env bash
# Imports every flow of flows/ into NiFi Registry as a versioned flow, registers the Registry client in NiFi,
# deploys the twin process group(s) from the Registry, enables their controller services and starts them.
# Idempotent: an existing bucket, flow, client or process group is reused; a flow file whose content is already
# the latest version (same sha256, kept in the version comment) is not imported again.
#
# Secured or not: it asks NiFi (GET /nifi-api/authentication/configuration) whether it offers a login. A secured
# NiFi (single-user, HTTPS) is logged into with NIFI_USERNAME/NIFI_PASSWORD (POST /access/token); an unsecured one
# (plain HTTP, anonymous) is used without a token. It says which it found.
#
# Upgrade: a group already on the canvas stays on its version unless asked: `import-flows.sh --upgrade` or
# UPGRADE_FLOWS=true moves it to the newest version in the Registry. NiFi keeps the values the operator gave the
# parameter context (an upgrade only adds parameters the new version brings). A group with local changes
# (LOCALLY_MODIFIED) is refused: commit or revert them in NiFi first.
#
# Needs: bash, curl, jq, sha256sum (all in the apache/nifi image, which the compose job uses).
# Usage: import-flows.sh [--upgrade]
# Environment (defaults suit docker-compose.yml):
#   NIFI_URL            https://nifi:8443            NiFi (self-signed certificate accepted)
#   NIFI_USERNAME       (required if NiFi is secured) NiFi single-user credentials
#   NIFI_PASSWORD       (required if NiFi is secured)
#   REGISTRY_URL        http://nifi-registry:18080   NiFi Registry as this script reaches it
#   REGISTRY_CLIENT_URL ${REGISTRY_URL}              NiFi Registry as NiFi reaches it
#   BUCKET              factory-twin                 Registry bucket
#   FLOWS_DIR           <repo>/flows                 where the *.json flow definitions are
#   DEPLOY_FLOWS        factory-twin                 flows (file names without .json) to place on NiFi's canvas
#   START_FLOWS         factory-twin                 of those, the ones to start
#   UPGRADE_FLOWS       false                        true: as --upgrade
#   WAIT_SECONDS        300                          how long to wait for NiFi and the Registry
set -euo pipefail

UPGRADE_FLOWS="${UPGRADE_FLOWS:-false}"
for arg in "$@"; do
    case "$arg" in
        --upgrade) UPGRADE_FLOWS=true ;;
        -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "import-flows: unknown argument $arg (see --help)" >&2; exit 2 ;;
    esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NIFI_URL="${NIFI_URL:-https://nifi:8443}"
REGISTRY_URL="${REGISTRY_URL:-http://nifi-registry:18080}"
REGISTRY_CLIENT_URL="${REGISTRY_CLIENT_URL:-$REGISTRY_URL}"
BUCKET="${BUCKET:-factory-twin}"
FLOWS_DIR="${FLOWS_DIR:-$here/../flows}"
DEPLOY_FLOWS="${DEPLOY_FLOWS:-factory-twin}"
START_FLOWS="${START_FLOWS:-factory-twin}"
WAIT_SECONDS="${WAIT_SECONDS:-300}"
CLIENT_NAME="Factory Twin Registry"

log() { printf '%s import-flows: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for tool in curl jq sha256sum; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
case "$UPGRADE_FLOWS" in true | false) ;; *) die "UPGRADE_FLOWS must be true or false, not '$UPGRADE_FLOWS'" ;; esac
[ -d "$FLOWS_DIR" ] || die "no flows directory at $FLOWS_DIR"

# curl wrapper: prints the body, fails with the HTTP status and body on anything but 2xx.
# usage: call METHOD URL [curl args...]
call() {
    local method="$1" url="$2"
    shift 2
    local out status
    out="$(mktemp)"
    status="$(curl -sS -k -o "$out" -w '%{http_code}' -X "$method" "$url" "$@")" || {
        rm -f "$out"
        die "$method $url: no answer (is the service up?)"
    }
    if [ "${status:0:1}" != "2" ]; then
        log "$method $url -> HTTP $status: $(head -c 600 "$out")"
        rm -f "$out"
        return 1
    fi
    cat "$out"
    rm -f "$out"
}

wait_for() {
    local what="$1" url="$2"
    shift 2
    local deadline=$((SECONDS + WAIT_SECONDS))
    until curl -sS -k -o /dev/null -f "$url" "$@" 2>/dev/null; do
        [ "$SECONDS" -lt "$deadline" ] || die "$what did not answer at $url within ${WAIT_SECONDS}s"
        log "waiting for $what at $url"
        sleep 5
    done
    log "$what is up"
}

# ---------------------------------------------------------------- Registry: bucket and flows
wait_for "NiFi Registry" "$REGISTRY_URL/nifi-registry-api/buckets"
reg="$REGISTRY_URL/nifi-registry-api"
json=(-H 'Content-Type: application/json')

bucket_id="$(call GET "$reg/buckets" | jq -r --arg n "$BUCKET" '.[] | select(.name == $n) | .identifier' | head -n 1)"
if [ -z "$bucket_id" ]; then
    bucket_id="$(call POST "$reg/buckets" "${json[@]}" \
        -d "$(jq -n --arg n "$BUCKET" '{name: $n, description: "Factory digital twin flows"}')" | jq -r .identifier)" \
        || die "cannot create bucket $BUCKET"
    log "created bucket $BUCKET ($bucket_id)"
else
    log "bucket $BUCKET exists ($bucket_id)"
fi

declare -A flow_ids versions
shopt -s nullglob
files=("$FLOWS_DIR"/*.json)
for file in "${files[@]}"; do
    name="$(basename "$file" .json)"
    case "$name" in nifi-*-components) continue ;; esac
    jq -e '.flowContents' "$file" >/dev/null || die "$file is not a flow definition (no flowContents)"
    title="$(jq -r '.flowContents.name' "$file")"
    flow_id="$(call GET "$reg/buckets/$bucket_id/flows" | jq -r --arg n "$name" '.[] | select(.name == $n) | .identifier' | head -n 1)"
    if [ -z "$flow_id" ]; then
        flow_id="$(call POST "$reg/buckets/$bucket_id/flows" "${json[@]}" \
            -d "$(jq -n --arg n "$name" --arg d "$title" '{name: $n, description: $d}')" | jq -r .identifier)" \
            || die "cannot create flow $name"
        log "created flow $name ($flow_id)"
    fi
    sum="sha256:$(sha256sum "$file" | cut -d' ' -f1)"
    latest="$(call GET "$reg/buckets/$bucket_id/flows/$flow_id/versions" | jq -r 'sort_by(.version) | last // empty | "\(.version) \(.comments // "")"')"
    if [ -n "$latest" ] && [ "${latest#* }" = "$sum" ]; then
        version="${latest%% *}"
        log "flow $name: version $version is already $(basename "$file")"
    else
        version="$(call POST "$reg/buckets/$bucket_id/flows/$flow_id/versions/import" "${json[@]}" \
            -H "Comments: $sum" --data-binary "@$file" | jq -r '.snapshotMetadata.version')" \
            || die "Registry refused $file"
        log "flow $name: imported as version $version"
    fi
    flow_ids[$name]="$flow_id"
    versions[$name]="$version"
done

# ---------------------------------------------------------------- NiFi: secured or not, login, registry client
wait_for "NiFi" "$NIFI_URL/nifi-api/authentication/configuration"
nifi="$NIFI_URL/nifi-api"
auth=()
login_supported="$(call GET "$nifi/authentication/configuration" | jq -r '.authenticationConfiguration.loginSupported // false')"
if [ "$login_supported" = "true" ]; then
    log "NiFi at $NIFI_URL is secured (login offered): logging in as ${NIFI_USERNAME:-?}"
    [ -n "${NIFI_USERNAME:-}" ] || die "NiFi is secured: set NIFI_USERNAME"
    [ -n "${NIFI_PASSWORD:-}" ] || die "NiFi is secured: set NIFI_PASSWORD"
    deadline=$((SECONDS + WAIT_SECONDS))
    while :; do
        out="$(mktemp)"
        status="$(curl -sS -k -o "$out" -w '%{http_code}' -X POST "$nifi/access/token" \
            --data-urlencode "username=$NIFI_USERNAME" --data-urlencode "password=$NIFI_PASSWORD" 2>/dev/null)" || status=000
        body="$(cat "$out")"
        rm -f "$out"
        case "$status" in
            2??) token="$body"; break ;;
            409) # "Access tokens are only issued over HTTPS": this NiFi has no login after all
                log "NiFi answered $status ($(printf '%s' "$body" | head -c 200)): treating it as unsecured"
                token=""; break ;;
            400 | 401 | 403) die "NiFi refused the login of $NIFI_USERNAME (HTTP $status): wrong SINGLE_USER credentials?" ;;
        esac
        [ "$SECONDS" -lt "$deadline" ] || die "cannot log in to NiFi as $NIFI_USERNAME (last answer HTTP $status)"
        log "waiting for NiFi login (HTTP $status)"
        sleep 5
    done
    [ -z "$token" ] || auth=(-H "Authorization: Bearer $token")
else
    log "NiFi at $NIFI_URL is unsecured (no login offered): using it anonymously"
fi

client_id="$(call GET "$nifi/flow/registries" "${auth[@]}" | jq -r --arg n "$CLIENT_NAME" '.registries[] | select(.component.name == $n) | .id' | head -n 1)"
if [ -z "$client_id" ]; then
    client_id="$(call POST "$nifi/controller/registry-clients" "${auth[@]}" "${json[@]}" -d "$(jq -n \
        --arg n "$CLIENT_NAME" --arg url "$REGISTRY_CLIENT_URL" '{
          revision: {version: 0},
          component: {name: $n, type: "org.apache.nifi.registry.flow.NifiRegistryFlowRegistryClient",
                      properties: {url: $url}}}')" | jq -r .id)" || die "cannot register the Registry client"
    log "registered Registry client $CLIENT_NAME ($client_id) -> $REGISTRY_CLIENT_URL"
else
    log "Registry client $CLIENT_NAME exists ($client_id)"
fi

# ---------------------------------------------------------------- NiFi: deploy, enable, start
# Reports a deployed group's version state; with UPGRADE_FLOWS=true moves it to $latest, keeping the parameter values.
bring_up_to_date() {
    local name="$1" pg_id="$2" registry_id="$3" bucket="$4" flow="$5" latest="$6"
    local vci state version body request_id update complete failure deadline
    vci="$(call GET "$nifi/versions/process-groups/$pg_id" "${auth[@]}")" || die "cannot read the version of $name"
    state="$(jq -r '.versionControlInformation.state // "NOT_VERSIONED"' <<<"$vci")"
    version="$(jq -r '.versionControlInformation.version // empty' <<<"$vci")"
    log "$name: version ${version:-none} deployed, ${latest} is the newest; NiFi says $state"
    case "$state" in
        LOCALLY_MODIFIED | LOCALLY_MODIFIED_AND_STALE)
            if [ "$UPGRADE_FLOWS" = "true" ] && [ "$version" != "$latest" ]; then
                die "$name has local changes in NiFi ($state): not upgrading over them. Commit them to the Registry or revert them (NiFi: Version > Revert local changes), then run again"
            fi
            log "WARNING: $name has local changes in NiFi ($state)"
            return 0 ;;
        NOT_VERSIONED)
            log "WARNING: $name is not under version control; left as it is"
            return 0 ;;
    esac
    [ "$version" != "$latest" ] || return 0
    if [ "$UPGRADE_FLOWS" != "true" ]; then
        log "$name: version $latest is available; run with --upgrade (or UPGRADE_FLOWS=true) to move to it"
        return 0
    fi
    quiesce "$name" "$pg_id"
    # quiescing changed the group's revision: ask again
    vci="$(call GET "$nifi/versions/process-groups/$pg_id" "${auth[@]}")" || die "cannot read the version of $name"
    body="$(jq -n --argjson rev "$(jq '.processGroupRevision' <<<"$vci")" --arg g "$pg_id" --arg r "$registry_id" \
        --arg b "$bucket" --arg f "$flow" --arg v "$latest" '{
          processGroupRevision: $rev,
          versionControlInformation: {groupId: $g, registryId: $r, bucketId: $b, flowId: $f, version: $v}}')"
    request_id="$(call POST "$nifi/versions/update-requests/process-groups/$pg_id" "${auth[@]}" "${json[@]}" -d "$body" \
        | jq -r '.request.requestId')" || die "NiFi refused to upgrade $name to version $latest"
    deadline=$((SECONDS + WAIT_SECONDS))
    while :; do
        update="$(call GET "$nifi/versions/update-requests/$request_id" "${auth[@]}")" || die "lost the upgrade request of $name"
        complete="$(jq -r '.request.complete' <<<"$update")"
        [ "$complete" = "true" ] && break
        [ "$SECONDS" -lt "$deadline" ] || die "upgrade of $name did not complete within ${WAIT_SECONDS}s"
        sleep 2
    done
    failure="$(jq -r '.request.failureReason // empty' <<<"$update")"
    call DELETE "$nifi/versions/update-requests/$request_id" "${auth[@]}" >/dev/null || true
    [ -z "$failure" ] || die "upgrade of $name to version $latest failed: $failure"
    log "$name: upgraded from version $version to $latest (parameter values kept)"
}

# Puts the group's controller services in STATE (ENABLED or DISABLED) and waits until every one is there.
set_services() {
    local name="$1" pg_id="$2" state="$3" deadline pending
    call PUT "$nifi/flow/process-groups/$pg_id/controller-services" "${auth[@]}" "${json[@]}" \
        -d "$(jq -n --arg id "$pg_id" --arg s "$state" '{id: $id, state: $s}')" >/dev/null \
        || die "cannot set the controller services of $name to $state"
    deadline=$((SECONDS + WAIT_SECONDS))
    while :; do
        pending="$(call GET "$nifi/flow/process-groups/$pg_id/controller-services?includeAncestorGroups=false" "${auth[@]}" \
            | jq --arg s "$state" '[.controllerServices[] | select(.component.state != $s)] | length')"
        [ "$pending" = "0" ] && break
        [ "$SECONDS" -lt "$deadline" ] \
            || die "$pending controller service(s) of $name did not become $state: check their validation errors in NiFi"
        sleep 1
    done
}

# Stops the group and disables its controller services before an upgrade: NiFi 2.6.0 refuses to change the
# configuration of an enabled service during an update request ("currently not disabled"). A group that was running
# is started again afterwards, whatever START_FLOWS says.
quiesce() {
    local name="$1" pg_id="$2" deadline running threads
    running="$(call GET "$nifi/flow/process-groups/$pg_id/status?recursive=true" "${auth[@]}" \
        | jq '.processGroupStatus.aggregateSnapshot.runningCount // 0')"
    [ "$running" = "0" ] || was_running[$name]=1
    call PUT "$nifi/flow/process-groups/$pg_id" "${auth[@]}" "${json[@]}" \
        -d "$(jq -n --arg id "$pg_id" '{id: $id, state: "STOPPED"}')" >/dev/null || die "cannot stop $name for the upgrade"
    deadline=$((SECONDS + WAIT_SECONDS))
    while :; do
        threads="$(call GET "$nifi/flow/process-groups/$pg_id/status?recursive=true" "${auth[@]}" \
            | jq '.processGroupStatus.aggregateSnapshot.activeThreadCount // 0')"
        [ "$threads" = "0" ] && break
        [ "$SECONDS" -lt "$deadline" ] || die "$name still has $threads active thread(s) ${WAIT_SECONDS}s after stopping"
        sleep 1
    done
    set_services "$name" "$pg_id" DISABLED
    log "$name: stopped and its controller services disabled for the upgrade"
}

declare -A was_running=()
root_id="$(call GET "$nifi/flow/process-groups/root" "${auth[@]}" | jq -r .processGroupFlow.id)"
x=0
for name in $DEPLOY_FLOWS; do
    [ -n "${flow_ids[$name]:-}" ] || die "DEPLOY_FLOWS names $name, but there is no $FLOWS_DIR/$name.json"
    flow_id="${flow_ids[$name]}"
    title="$(jq -r '.flowContents.name' "$FLOWS_DIR/$name.json")"
    # Same Registry flow, or (Registry data lost and re-imported) a group of the same name: never deploy twice.
    pg_id="$(call GET "$nifi/flow/process-groups/$root_id" "${auth[@]}" | jq -r --arg f "$flow_id" --arg t "$title" \
        '[.processGroupFlow.flow.processGroups[] | select(.component.versionControlInformation.flowId == $f)] +
         [.processGroupFlow.flow.processGroups[] | select(.component.name == $t)] | .[0].id // empty')"
    if [ -z "$pg_id" ]; then
        pg_id="$(call POST "$nifi/process-groups/$root_id/process-groups?parameterContextHandlingStrategy=KEEP_EXISTING" \
            "${auth[@]}" "${json[@]}" -d "$(jq -n --arg r "$client_id" --arg b "$bucket_id" --arg f "$flow_id" \
            --arg v "${versions[$name]}" --argjson x "$x" '{
              revision: {version: 0},
              component: {position: {x: $x, y: 0},
                          versionControlInformation: {registryId: $r, bucketId: $b, flowId: $f, version: $v}}}')" \
            | jq -r .id)" || die "NiFi could not import $name from the Registry (see nifi-app.log)"
        log "deployed $name as process group $pg_id"
        bring_up_to_date "$name" "$pg_id" "$client_id" "$bucket_id" "$flow_id" "${versions[$name]}"
    else
        log "$name is already on the canvas ($pg_id)"
        bring_up_to_date "$name" "$pg_id" "$client_id" "$bucket_id" "$flow_id" "${versions[$name]}"
    fi
    x=$((x + 800))

    set_services "$name" "$pg_id" ENABLED
    log "$name: controller services enabled"

    if [[ " $START_FLOWS " == *" $name "* ]] || [ -n "${was_running[$name]:-}" ]; then
        call PUT "$nifi/flow/process-groups/$pg_id" "${auth[@]}" "${json[@]}" \
            -d "$(jq -n --arg id "$pg_id" '{id: $id, state: "RUNNING"}')" >/dev/null || die "cannot start $name"
        invalid="$(call GET "$nifi/flow/process-groups/$pg_id/status?recursive=true" "${auth[@]}" \
            | jq '[.. | objects | select(.runStatus? == "Invalid")] | length')"
        [ "$invalid" = "0" ] || log "WARNING: $invalid component(s) of $name are invalid; see the canvas"
        log "$name: started"
    fi
done
log "done"
