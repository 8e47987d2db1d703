#!/usr/bin/env bash
# Checks that the release runs from the file set the Dockerfile copies, read-only:
#  1. copies the runtime file set (deploy/runtime-files: package.json, package-lock.json, bin/,
#     dist/, web/dist, config/, sql/; what the Dockerfile's runtime stage copies) to a scratch folder;
#  2. installs production dependencies only (npm ci --omit=dev --ignore-scripts; needs the
#     npm registry), and checks that no build tool (tsx, vite, typescript) is among them;
#     with --link-node-modules it links this checkout's node_modules instead (no network:
#     what test/integration/release.test.ts uses);
#  3. makes the install folder read-only (chmod -R a-w) and starts `node dist/src/cli.js serve`
#     with the data in a separate writable folder, as the user nobody when run as root;
#  4. waits for /api/v1/health, fetches the console (index.html and one asset), stops the daemon
#     with SIGTERM (exit 0 expected) and compares a listing (path, size, mtime) of the install
#     folder before and after: the daemon must not have written into it.
# KEFU_CHECK_DATABASE_URL names another database (default: PGlite in the data folder).
# Builds nothing: the release must be current (npm run build). Prints "release check: ok".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LINK=0
[[ "${1:-}" == "--link-node-modules" ]] && LINK=1

node "$ROOT/scripts/build.mjs" --check

WORK=$(mktemp -d /tmp/kefu-release-XXXXXX)
APP=$WORK/app
DATA=$WORK/data
PID=
cleanup() {
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then kill "$PID"; wait "$PID" || true; fi
  chmod -R u+w "$WORK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "release check: FAILED: $*" >&2; [[ -f "$WORK/daemon.log" ]] && sed 's/^/  daemon: /' "$WORK/daemon.log" >&2; exit 1; }

# 1. The runtime file set: deploy/runtime-files, which the Dockerfile's COPY lines follow
#    (test/integration/release.test.ts compares them).
mkdir -p "$APP" "$DATA"
while read -r f; do
  [[ -z "$f" ]] && continue
  mkdir -p "$APP/$(dirname "$f")"
  cp -a "$ROOT/$f" "$APP/$f"
done < "$ROOT/deploy/runtime-files"

# 2. Production dependencies only.
t0=$(date +%s%N)
if [[ $LINK == 1 ]]; then
  ln -s "$(readlink -f "$ROOT/node_modules")" "$APP/node_modules"
else
  (cd "$APP" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  for dev in tsx vite typescript preact chart.js vitest; do
    [[ -e "$APP/node_modules/$dev" ]] && fail "devDependency $dev was installed by npm ci --omit=dev"
  done
  echo "release check: production install in $(( ($(date +%s%N) - t0) / 1000000 )) ms ($(du -sh "$APP/node_modules" | cut -f1) node_modules)"
fi

# 3. Read-only install folder, separate data folder, a non-root user when we can switch to one.
chmod -R a-w "$APP"
chmod 755 "$WORK"
RUN=()
AS=$(id -un)
if [[ $(id -u) == 0 ]]; then
  chown nobody "$DATA"
  RUN=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
  AS=nobody
fi
# Everything, the production node_modules included (a linked node_modules is listed as the link).
listing() { find "$APP" -path "$APP/node_modules/.cache" -prune -o -printf '%p %s %T@ %m\n' | sort; }
listing > "$WORK/before"

t0=$(date +%s%N)
(cd "$APP" && exec env KEFU_HTTP_HOST=127.0.0.1 KEFU_HTTP_PORT=0 KEFU_DATABASE_URL="${KEFU_CHECK_DATABASE_URL:-pglite://$DATA/db}" KEFU_DATADIR="$DATA" \
  KEFU_LOG_LEVEL=warn KEFU_BOOTSTRAP_KEY=release-check-admin-key-0123456789 KEFU_ADMIN_PASSWORD=release-check-pw-1 \
  "${RUN[@]}" node "$APP/dist/src/cli.js" serve) > "$WORK/daemon.log" 2>&1 &
PID=$!

# A first start creates the database: ~5 s on an idle machine, much more on a loaded one.
DEADLINE=$(( $(date +%s) + ${KEFU_CHECK_TIMEOUT_S:-150} ))
URL=
READY=0
while (( $(date +%s) < DEADLINE )); do
  URL=$(sed -n 's#^kefu: console \(http://[^/ ]*\)/.*#\1#p' "$WORK/daemon.log" | head -1)
  if [[ -n "$URL" ]] && curl -fsS "$URL/api/v1/health" >/dev/null 2>&1; then READY=1; break; fi
  kill -0 "$PID" 2>/dev/null || fail "the daemon exited"
  sleep 0.1
done
[[ $READY == 1 ]] || fail "no API in ${KEFU_CHECK_TIMEOUT_S:-150} s"
echo "release check: API ready in $(( ($(date +%s%N) - t0) / 1000000 )) ms (first start, as $AS, install folder read-only)"

# 4. The console, then stop and compare.
curl -fsS "$URL/api/v1/health" | grep -q '"ok"' || fail "health"
index=$(curl -fsS "$URL/")
grep -q '<div id="app"' <<<"$index" || grep -q 'type="module"' <<<"$index" || fail "the console's index.html was not served"
asset=$(grep -o '/assets/[^"]*\.js' <<<"$index" | head -1)
[[ -n "$asset" ]] && curl -fsS -o /dev/null "$URL$asset" || fail "console asset $asset"
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/.kefu-build")
[[ $code == 404 ]] || fail "the build stamp web/dist/.kefu-build is served (HTTP $code)"
kill -TERM "$PID"
code=0; wait "$PID" || code=$?
PID=
[[ $code == 0 ]] || fail "the daemon exited with $code on SIGTERM"
listing > "$WORK/after"
if ! diff -u "$WORK/before" "$WORK/after" > "$WORK/diff"; then cat "$WORK/diff" >&2; fail "the daemon wrote into its install folder"; fi
[[ -n "${KEFU_CHECK_DATABASE_URL:-}" || -e "$DATA/db" ]] || fail "no database in the data folder"
echo "release check: ok (console and API served from $APP; nothing written there; data in $DATA)"
