#!/usr/bin/env bash
# The scorecard: NAB detection quality, simulator ground truth, C-MAPSS FD001-FD003 time to maintenance,
# throughput. Builds the evaluation module (tests skipped), then runs
# io.github.factorytwin.evaluation.Scorecard. Options: --help.
# Prints a table and writes nifi-twin-evaluation/target/scorecard.json.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
if [[ "${SCORECARD_SKIP_BUILD:-}" != "1" ]]; then
    ./mvnw -B -q -pl nifi-twin-evaluation -am package -DskipTests -Dspotless.check.skip=true >&2
fi
java_bin="java"
if [[ -n "${JAVA_HOME:-}" ]]; then
    java_bin="$JAVA_HOME/bin/java"
fi
exec "$java_bin" ${SCORECARD_JAVA_OPTS:--Xmx2g} \
    -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" \
    io.github.factorytwin.evaluation.Scorecard "$@"
