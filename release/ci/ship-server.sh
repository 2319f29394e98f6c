#!/usr/bin/env bash
# Runner side of a server release: upload the bundle and release.sh under the commit SHA, have the instance run
# release.sh through SSM Run Command (no SSH, no open port), wait for its verdict, and on success point the release
# pointer at it (the SSM parameter a new or replaced instance serves from). `npm run deploy` ships through it too.
#
#   ship-server.sh <dir with server.tgz and release.sh>
#   env: SHA, ARTIFACT_BUCKET, INSTANCE_ID, AWS_REGION, RELEASE_PARAMETER; SHIP_TIMEOUT seconds (600);
#        SHIP_REGISTER_TIMEOUT seconds (600) for a just-launched instance's SSM agent to register
#
# Exit status: 0 released; 1 failed (the instance log is printed; release.sh exit 2 means it rolled back).
set -euo pipefail

dir="${1:?usage: ship-server.sh <bundle dir>}"
: "${SHA:?}" "${ARTIFACT_BUCKET:?}" "${INSTANCE_ID:?}" "${AWS_REGION:?}" "${RELEASE_PARAMETER:?}"
timeout="${SHIP_TIMEOUT:-600}"
register_timeout="${SHIP_REGISTER_TIMEOUT:-600}"
key="releases/$SHA"

# Release files are tagged superseded (the artifact bucket expires only those, infra/src/names.ts SUPERSEDED_TAG)
# until they become the current release, so a release that fails its health check expires too.
superseded='TagSet=[{Key=chat-release,Value=superseded}]'
tag_release() { # <sha> superseded|current
  local f
  for f in server.tgz release.sh; do
    if [[ "$2" == current ]]; then
      aws s3api delete-object-tagging --bucket "$ARTIFACT_BUCKET" --key "releases/$1/$f" >/dev/null
    else
      aws s3api put-object-tagging --bucket "$ARTIFACT_BUCKET" --key "releases/$1/$f" --tagging "$superseded" >/dev/null
    fi
  done
}

aws s3 cp --only-show-errors "$dir/server.tgz" "s3://$ARTIFACT_BUCKET/$key/server.tgz"
aws s3 cp --only-show-errors "$dir/release.sh" "s3://$ARTIFACT_BUCKET/$key/release.sh"
tag_release "$SHA" superseded

# The release script travels with the bundle, so the instance always runs the version this commit tested.
script="$(cat <<SCRIPT
set -eu
export AWS_DEFAULT_REGION='$AWS_REGION' CHAT_ARTIFACT_BUCKET='$ARTIFACT_BUCKET'
tmp="\$(mktemp)"
trap 'rm -f "\$tmp"' EXIT
aws s3 cp --only-show-errors 's3://$ARTIFACT_BUCKET/$key/release.sh' "\$tmp"
bash "\$tmp" '$SHA'
SCRIPT
)"
params="$(jq -cn --arg script "$script" --arg t "$timeout" '{commands: [$script], executionTimeout: [$t]}')"

send() {
  aws ssm send-command \
    --document-name AWS-RunShellScript \
    --instance-ids "$INSTANCE_ID" \
    --comment "chat release ${SHA:0:12}" \
    --timeout-seconds 60 \
    --parameters "$params" \
    --query Command.CommandId --output text
}
# A just-launched instance (the first deploy, a replacement) is unknown to SSM until its agent registers.
register_deadline=$((SECONDS + register_timeout))
until command_id="$(send 2>"${TMPDIR:-/tmp}/ship-server.$$.err")"; do
  if ! grep -q InvalidInstanceId "${TMPDIR:-/tmp}/ship-server.$$.err" || ((SECONDS >= register_deadline)); then
    cat "${TMPDIR:-/tmp}/ship-server.$$.err" >&2
    rm -f "${TMPDIR:-/tmp}/ship-server.$$.err"
    exit 1
  fi
  echo "ship-server: waiting for $INSTANCE_ID to register with SSM" >&2
  sleep 10
done
rm -f "${TMPDIR:-/tmp}/ship-server.$$.err"
echo "ship-server: SSM command $command_id on $INSTANCE_ID" >&2

deadline=$((SECONDS + timeout + 60))
status=Pending
while ((SECONDS < deadline)); do
  sleep 3
  # Right after send-command the invocation may not exist yet.
  invocation="$(aws ssm get-command-invocation --command-id "$command_id" --instance-id "$INSTANCE_ID" --output json 2>/dev/null)" || continue
  status="$(jq -r .Status <<<"$invocation")"
  case "$status" in Pending | InProgress | Delayed) continue ;; esac
  break
done

if [[ -n "${invocation:-}" ]]; then
  jq -r '.StandardOutputContent // empty' <<<"$invocation"
  jq -r '.StandardErrorContent // empty' <<<"$invocation" >&2
fi
if [[ "$status" == Success ]]; then
  previous="$(aws ssm get-parameter --name "$RELEASE_PARAMETER" --query Parameter.Value --output text 2>/dev/null || echo none)"
  aws ssm put-parameter --name "$RELEASE_PARAMETER" --type String --value "$SHA" --overwrite >/dev/null
  tag_release "$SHA" current
  if [[ "$previous" =~ ^[0-9a-f]{7,40}$ && "$previous" != "$SHA" ]]; then
    tag_release "$previous" superseded || echo "ship-server: could not tag $previous superseded (it will not expire)" >&2
  fi
  echo "ship-server: released $SHA ($RELEASE_PARAMETER = $SHA)" >&2
  exit 0
fi
code="$(jq -r '.ResponseCode // empty' <<<"${invocation:-null}")"
case "$code" in
  2) echo "ship-server: $SHA failed its health check; the instance rolled back to the previous release" >&2 ;;
  3) echo "ship-server: $SHA failed and the instance has no ready release: act now (see release/README.md)" >&2 ;;
  *) echo "ship-server: release command ended with status $status (code ${code:-none})" >&2 ;;
esac
exit 1
