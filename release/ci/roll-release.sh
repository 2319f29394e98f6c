#!/usr/bin/env bash
# Several servers (CHAT_INSTANCES ≥ 2): a release reaches every server of the Auto Scaling group, one at a time.
# Each runs the release through ship-server.sh, which waits for that server's /readyz before the next one starts,
# so the load balancer always has servers to send clients to. When one fails (it rolls itself back), the servers
# already switched are switched back to the previous release, and the roll stops. The release pointer moves only
# once every server of the roll succeeded, so a server the group launches meanwhile boots the previous release.
#
#   roll-release.sh <dir with server.tgz>
#   env: SHA, ARTIFACT_BUCKET, SERVER_GROUP, AWS_REGION
#        RELEASE_PARAMETER  the release pointer ("<sha> <bundle sha256>"): the previous release is read from it, and
#                           it is set to this one at the end. New instances the group launches serve what it names.
#        PREVIOUS_SHA       the release to roll back to when there is no pointer yet (its bundle's digest is then
#                           taken from the bucket as it is)
#        SHIP_UPLOAD=no     the bundle is in the bucket already (restarting every server on the current release;
#                           BUNDLE_SHA256 then names it, no <dir>)
#        SHIP_ONE           the one-server step (default: ship-server.sh beside this script), run with INSTANCE_ID,
#                           SHA, BUNDLE_SHA256 and SHIP_POINTER=keep in its environment and a bundle directory as its
#                           argument
#
# Exit status: 0 every server released; 1 a server failed (those switched before it were switched back).
set -euo pipefail

dir="${1:-}"
: "${SHA:?}" "${ARTIFACT_BUCKET:?}" "${SERVER_GROUP:?}" "${AWS_REGION:?}" "${RELEASE_PARAMETER:?}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=pointer.sh
. "$here/pointer.sh"
read -ra ship_one <<<"${SHIP_ONE:-bash $here/ship-server.sh}"

log() { echo "roll-release: $*" >&2; }

check_sha "$SHA"
check_region "$AWS_REGION"
check_bucket "$ARTIFACT_BUCKET"
check_parameter "$RELEASE_PARAMETER"
must_match SERVER_GROUP "$SERVER_GROUP" '^[A-Za-z0-9._-]{1,255}$'
if [[ "${SHIP_UPLOAD:-yes}" == no ]]; then
  digest="${BUNDLE_SHA256:-}"
else
  [[ -f "$dir/server.tgz" ]] || die "usage: roll-release.sh <dir with server.tgz>"
  digest="$(sha256sum "$dir/server.tgz" | cut -d' ' -f1)"
fi
check_digest "$digest"

# The group's servers in service now; one launched during the roll boots from the release pointer by itself.
mapfile -t instances < <(aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names "$SERVER_GROUP" --output json |
  jq -r '.AutoScalingGroups[0].Instances // [] | map(select(.LifecycleState == "InService")) | sort_by(.InstanceId) | .[].InstanceId')
((${#instances[@]} > 0)) || { log "no server in service in $SERVER_GROUP"; exit 1; }

previous="${PREVIOUS_SHA:-}"
previous_digest=""
pointed="$(read_pointer)"
if [[ -n "$pointed" ]]; then
  previous="${pointed%% *}"
  previous_digest="${pointed#* }"
fi
log "releasing ${SHA:0:12} to ${#instances[@]} servers of $SERVER_GROUP one at a time (previous: ${previous:-none})"

switched=()
for id in "${instances[@]}"; do
  log "server $id: releasing ${SHA:0:12}"
  if INSTANCE_ID="$id" SHA="$SHA" BUNDLE_SHA256="$digest" SHIP_POINTER=keep "${ship_one[@]}" "$dir"; then
    switched+=("$id")
    log "server $id: ready on ${SHA:0:12} (${#switched[@]}/${#instances[@]})"
    continue
  fi
  log "server $id: failed (it rolled itself back); switching back the ${#switched[@]} already on ${SHA:0:12}"
  if [[ -z "$previous" || "$previous" == "$SHA" ]]; then
    ((${#switched[@]} == 0)) || log "no previous release to switch back to: ${switched[*]} stay on ${SHA:0:12}"
    exit 1
  fi
  # The previous release's bundle is still in the artifact bucket under its SHA; each server fetches it and checks it
  # against the digest the pointer recorded (without a pointer, PREVIOUS_SHA: the digest of the bucket's copy).
  back="$(mktemp -d)"
  trap 'rm -rf "$back"' EXIT
  if [[ -z "$previous_digest" ]]; then
    aws s3 cp --only-show-errors "s3://$ARTIFACT_BUCKET/releases/$previous/server.tgz" "$back/server.tgz"
    previous_digest="$(sha256sum "$back/server.tgz" | cut -d' ' -f1)"
  fi
  failed_back=()
  for s in "${switched[@]}"; do
    if INSTANCE_ID="$s" SHA="$previous" BUNDLE_SHA256="$previous_digest" SHIP_UPLOAD=no SHIP_POINTER=keep "${ship_one[@]}" "$back"; then
      log "server $s: back on ${previous:0:12}"
    else
      failed_back+=("$s")
    fi
  done
  ((${#failed_back[@]} == 0)) || log "could not switch back: ${failed_back[*]} (see release/README.md)"
  exit 1
done
set_pointer "$SHA" "$digest"
log "released ${SHA:0:12} to every server: ${instances[*]} ($RELEASE_PARAMETER = $SHA $digest)"
