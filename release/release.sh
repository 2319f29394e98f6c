#!/usr/bin/env bash
# Instance-side release of the chat server: fetch one bundle, unpack it beside the previous
# releases, switch `current`, restart, wait for /readyz, and switch back if the new one never gets ready.
#
#   release.sh <sha>      with CHAT_BUNDLE_SHA256 (required): the bundle's SHA-256 as recorded with the release; a
#                         bundle that does not match is not unpacked (exit 1, nothing switched)
#
# Layout (CHAT_HOME, default /opt/chat):
#   releases/<sha>/app/server/dist/main.js   one unpacked bundle per deployed commit
#   current -> releases/<sha>                what the systemd unit runs (/opt/chat/current/app/server/dist/main.js)
#
# Settings (env):
#   CHAT_HOME              /opt/chat
#   CHAT_BUNDLE            where the bundle is: s3://..., http(s)://..., file://... or a local path
#                          (default s3://$CHAT_ARTIFACT_BUCKET/releases/<sha>/server.tgz)
#   CHAT_ARTIFACT_BUCKET   artifact bucket, used only for the default CHAT_BUNDLE
#   CHAT_RESTART_CMD       systemctl reset-failed chat; systemctl restart chat
#   CHAT_READY_URL         http://127.0.0.1:<the unit's PORT, else 3000>/readyz
#   CHAT_READY_TIMEOUT     seconds to wait for /readyz after a restart (90)
#   CHAT_KEEP_RELEASES     releases kept on disk, current and previous included (5)
#
# Exit codes: 0 released; 1 bad usage, fetch/unpack failure or a bundle that does not match its SHA-256 (nothing switched);
# 2 new release not ready, rolled back and the previous one is ready again;
# 3 new release not ready and the rollback did not get ready either (or there was nothing to roll back to).
set -euo pipefail

log() { printf '%s release: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

sha="${1:-}"
[[ "$sha" =~ ^[0-9a-f]{7,40}$ ]] || die "usage: release.sh <commit sha> (got '${sha}')"
digest="${CHAT_BUNDLE_SHA256:-}"
[[ "$digest" =~ ^[0-9a-f]{64}$ ]] || die "set CHAT_BUNDLE_SHA256 to the bundle's SHA-256 (recorded with the release: the release pointer, or sha256sum server.tgz)"

home="${CHAT_HOME:-/opt/chat}"
# reset-failed first: a release that crash-looped into systemd's start limit would otherwise make the rollback's
# own restart be refused.
restart_cmd="${CHAT_RESTART_CMD:-systemctl reset-failed chat 2>/dev/null; systemctl restart chat}"
# The port the service was configured with (its unit's Environment=PORT=…), so a stack with another app port
# checks the right one; 3000, the server's default, when there is no such unit (a test, a hand-run).
unit_port() {
  command -v systemctl >/dev/null 2>&1 || return 0
  systemctl show chat --property=Environment --value 2>/dev/null | tr ' ' '\n' | sed -n 's/^PORT=\([0-9]\{1,5\}\)$/\1/p' | head -n 1
}
ready_url="${CHAT_READY_URL:-http://127.0.0.1:$(unit_port | grep . || echo 3000)/readyz}"
ready_timeout="${CHAT_READY_TIMEOUT:-90}"
keep="${CHAT_KEEP_RELEASES:-5}"
[[ "$keep" =~ ^[0-9]+$ && "$keep" -ge 2 ]] || die "CHAT_KEEP_RELEASES must be 2 or more: rollback needs the previous release"
[[ "$ready_timeout" =~ ^[0-9]+$ ]] || die "CHAT_READY_TIMEOUT must be a number of seconds"

bundle="${CHAT_BUNDLE:-}"
if [[ -z "$bundle" ]]; then
  [[ -n "${CHAT_ARTIFACT_BUCKET:-}" ]] || die "set CHAT_BUNDLE or CHAT_ARTIFACT_BUCKET"
  bundle="s3://${CHAT_ARTIFACT_BUCKET}/releases/${sha}/server.tgz"
fi

releases="$home/releases"
mkdir -p "$releases"

# Two releases at once would race on `current`; the workflow's concurrency group should prevent it,
# this guards against a manual run at the same time.
exec 9>"$home/.release.lock"
flock -n 9 || die "another release is running (lock $home/.release.lock)"

fetch() { # <source> <dest file>
  case "$1" in
    s3://*) aws s3 cp --only-show-errors "$1" "$2" ;;
    http://* | https://*) curl -fsSL --retry 3 -o "$2" "$1" ;;
    file://*) cp -- "${1#file://}" "$2" ;;
    *) cp -- "$1" "$2" ;;
  esac
}

# `ln -sfn` unlinks then links: for an instant there is no `current`. rename(2) over it is atomic.
switch_to() { # <release dir name>
  ln -sfn "releases/$1" "$home/.current.tmp"
  mv -Tf "$home/.current.tmp" "$home/current"
  log "current -> releases/$1"
}

restart() {
  log "restarting: $restart_cmd"
  # fd 9 holds the lock: a service started from here (tests, or a plain `nohup`) must not keep it.
  bash -c "$restart_cmd" 9>&-
}

wait_ready() {
  local deadline=$((SECONDS + ready_timeout))
  while ((SECONDS < deadline)); do
    if curl -fsS --max-time 5 -o /dev/null "$ready_url" 2>/dev/null; then
      log "ready: $ready_url"
      return 0
    fi
    sleep 1
  done
  log "not ready after ${ready_timeout}s: $ready_url"
  return 1
}

previous=""
if [[ -L "$home/current" ]]; then
  previous="$(basename "$(readlink "$home/current")")"
fi

if [[ "$previous" == "$sha" ]]; then
  # A re-run of the same commit: its files are what is serving; only restart and check.
  log "release $sha is already current; restarting it"
  restart || true
  wait_ready || exit 3
  exit 0
fi

# Unpack next to the others and rename into place, so a half-written release never has its final name.
staging="$(mktemp -d "$releases/.incoming-${sha}.XXXXXX")"
cleanup() { rm -rf -- "$staging"; }
trap cleanup EXIT

log "fetching $bundle"
fetch "$bundle" "$staging/bundle.tgz" || die "could not fetch $bundle"
echo "$digest  $staging/bundle.tgz" | sha256sum -c --quiet - 2>/dev/null ||
  die "$bundle does not match its recorded SHA-256 $digest: not unpacked"
mkdir "$staging/tree"
# Files belong to root, whatever uid built them; the service's own user only needs to read them.
tar -xzf "$staging/bundle.tgz" -C "$staging/tree" --no-same-owner || die "could not unpack $bundle"
chmod 0755 "$staging/tree"
[[ -f "$staging/tree/app/server/dist/main.js" ]] || die "bundle has no app/server/dist/main.js"

rm -rf -- "${releases:?}/$sha"
mv -T "$staging/tree" "$releases/$sha"
touch "$releases/$sha" # pruning goes by mtime: the newest release is the one just unpacked

switch_to "$sha"
if restart && wait_ready; then
  log "released $sha (previous: ${previous:-none})"
else
  if [[ -z "$previous" || ! -d "$releases/$previous" ]]; then
    log "release $sha is not ready and there is no previous release to go back to"
    exit 3
  fi
  log "release $sha failed its health check: rolling back to $previous"
  switch_to "$previous"
  # Keep the failed tree out of the way of pruning order and of a later retry of the same commit.
  rm -rf -- "${releases:?}/$sha"
  if restart && wait_ready; then
    log "rolled back to $previous"
    exit 2
  fi
  log "rollback to $previous is not ready either"
  exit 3
fi

# Keep the newest $keep releases, never the one serving nor the one a rollback would need.
mapfile -t by_age < <(find "$releases" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%T@ %f\n' | sort -rn | cut -d' ' -f2)
count=0
for name in "${by_age[@]}"; do
  count=$((count + 1))
  if ((count > keep)) && [[ "$name" != "$sha" && "$name" != "$previous" ]]; then
    log "pruning releases/$name"
    rm -rf -- "${releases:?}/$name"
  fi
done
