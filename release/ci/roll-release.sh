#!/usr/bin/env bash
# Several servers (CHAT_INSTANCES ≥ 2): a release reaches every server of the Auto Scaling group, one at a time.
# Each runs release.sh through ship-server.sh, which waits for that server's /readyz before the next one starts, so
# the load balancer always has servers to send clients to. When one fails (it rolls itself back), the servers
# already switched are switched back to the previous release, and the roll stops.
#
#   roll-release.sh <dir with server.tgz and release.sh>
#   env: SHA, ARTIFACT_BUCKET, SERVER_GROUP, AWS_REGION
#        RELEASE_PARAMETER  the release pointer (SSM parameter naming the current release): the previous release
#                           is read from it; ship-server.sh moves it. New instances the group launches serve it.
#        PREVIOUS_SHA       the release to roll back to when there is no pointer yet
#        SHIP_ONE           the one-server step (default: ship-server.sh beside this script), run with INSTANCE_ID
#                           and SHA in its environment and a bundle directory as its argument
#
# Exit status: 0 every server released; 1 a server failed (those switched before it were switched back).
set -euo pipefail

dir="${1:?usage: roll-release.sh <bundle dir>}"
: "${SHA:?}" "${ARTIFACT_BUCKET:?}" "${SERVER_GROUP:?}" "${AWS_REGION:?}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
read -ra ship_one <<<"${SHIP_ONE:-bash $here/ship-server.sh}"

log() { echo "roll-release: $*" >&2; }

# The group's servers in service now; one launched during the roll boots from the release pointer by itself.
mapfile -t instances < <(aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names "$SERVER_GROUP" --output json |
  jq -r '.AutoScalingGroups[0].Instances // [] | map(select(.LifecycleState == "InService")) | sort_by(.InstanceId) | .[].InstanceId')
((${#instances[@]} > 0)) || { log "no server in service in $SERVER_GROUP"; exit 1; }

previous="${PREVIOUS_SHA:-}"
if [[ -n "${RELEASE_PARAMETER:-}" ]]; then
  pointed="$(aws ssm get-parameter --name "$RELEASE_PARAMETER" --query Parameter.Value --output text 2>/dev/null || true)"
  [[ "$pointed" =~ ^[0-9a-f]{7,40}$ ]] && previous="$pointed"
fi
log "releasing ${SHA:0:12} to ${#instances[@]} servers of $SERVER_GROUP one at a time (previous: ${previous:-none})"

switched=()
for id in "${instances[@]}"; do
  log "server $id: releasing ${SHA:0:12}"
  if INSTANCE_ID="$id" SHA="$SHA" "${ship_one[@]}" "$dir"; then
    switched+=("$id")
    log "server $id: ready on ${SHA:0:12} (${#switched[@]}/${#instances[@]})"
    continue
  fi
  log "server $id: failed (it rolled itself back); switching back the ${#switched[@]} already on ${SHA:0:12}"
  if [[ -z "$previous" || "$previous" == "$SHA" ]]; then
    ((${#switched[@]} == 0)) || log "no previous release to switch back to: ${switched[*]} stay on ${SHA:0:12}"
    exit 1
  fi
  # The previous release's bundle is still in the artifact bucket under its SHA.
  back="$(mktemp -d)"
  trap 'rm -rf "$back"' EXIT
  aws s3 cp --only-show-errors "s3://$ARTIFACT_BUCKET/releases/$previous/server.tgz" "$back/server.tgz"
  aws s3 cp --only-show-errors "s3://$ARTIFACT_BUCKET/releases/$previous/release.sh" "$back/release.sh"
  failed_back=()
  for s in "${switched[@]}"; do
    if INSTANCE_ID="$s" SHA="$previous" "${ship_one[@]}" "$back"; then
      log "server $s: back on ${previous:0:12}"
    else
      failed_back+=("$s")
    fi
  done
  ((${#failed_back[@]} == 0)) || log "could not switch back: ${failed_back[*]} (see release/README.md)"
  exit 1
done
log "released ${SHA:0:12} to every server: ${instances[*]}"
