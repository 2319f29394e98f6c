#!/usr/bin/env bash
# Runner side of a server release: upload the bundle under the commit SHA, have the instance run it through SSM Run
# Command (no SSH, no open port) — the command checks the bundle against the SHA-256 computed here before anything
# of it is unpacked, then runs the release.sh inside it — wait for its verdict, and on success point the release
# pointer at "<SHA> <SHA-256>" (the SSM parameter a new or replaced instance serves from, and checks against).
# `npm run deploy` ships through it too.
#
#   ship-server.sh <dir with server.tgz>
#   env: SHA, ARTIFACT_BUCKET, INSTANCE_ID, AWS_REGION, RELEASE_PARAMETER; SHIP_TIMEOUT seconds (600);
#        SHIP_REGISTER_TIMEOUT seconds (600) for a just-launched instance's SSM agent to register
#        BUNDLE_SHA256  the bundle's digest; default: computed from <dir>/server.tgz (when both, they must agree)
#        SHIP_UPLOAD    yes (default) | no: the bundle is in the bucket already (a restart, a rollback); no <dir> needed
#        SHIP_POINTER   set (default) | keep: roll-release.sh moves the pointer itself once every server succeeded
#
# Exit status: 0 released; 1 failed (the instance log is printed; release.sh exit 2 means it rolled back, 4 that
# the bundle in the bucket did not match its SHA-256 and nothing was unpacked).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=pointer.sh
. "$here/pointer.sh"

dir="${1:-}"
: "${SHA:?}" "${ARTIFACT_BUCKET:?}" "${INSTANCE_ID:?}" "${AWS_REGION:?}" "${RELEASE_PARAMETER:?}"
upload="${SHIP_UPLOAD:-yes}"
pointer="${SHIP_POINTER:-set}"
timeout="${SHIP_TIMEOUT:-600}"
register_timeout="${SHIP_REGISTER_TIMEOUT:-600}"
key="releases/$SHA/server.tgz"

# Everything below goes into a script that runs as root on the instance.
check_sha "$SHA"
check_region "$AWS_REGION"
check_bucket "$ARTIFACT_BUCKET"
check_parameter "$RELEASE_PARAMETER"
must_match INSTANCE_ID "$INSTANCE_ID" '^(i|mi)-[0-9a-f]{8,17}$'
[[ "$upload" == yes || "$upload" == no ]] || die "SHIP_UPLOAD is yes or no"
[[ "$pointer" == set || "$pointer" == keep ]] || die "SHIP_POINTER is set or keep"
[[ "$timeout" =~ ^[0-9]+$ && "$register_timeout" =~ ^[0-9]+$ ]] || die "SHIP_TIMEOUT and SHIP_REGISTER_TIMEOUT are seconds"

digest="${BUNDLE_SHA256:-}"
if [[ "$upload" == yes ]]; then
  [[ -f "$dir/server.tgz" ]] || die "usage: ship-server.sh <dir with server.tgz>"
  computed="$(sha256sum "$dir/server.tgz" | cut -d' ' -f1)"
  [[ -z "$digest" || "$digest" == "$computed" ]] || die "$dir/server.tgz is not the bundle whose SHA-256 is $digest"
  digest="$computed"
fi
check_digest "$digest"

if [[ "$upload" == yes ]]; then
  aws s3 cp --only-show-errors "$dir/server.tgz" "s3://$ARTIFACT_BUCKET/$key"
  tag_release "$SHA" superseded
fi

# The release script travels inside the bundle, so the instance runs the version this commit tested, and only after
# the bundle proved to be the one recorded here.
script="$(
  cat <<SCRIPT
set -eu
export AWS_DEFAULT_REGION='$AWS_REGION'
work="\$(mktemp -d)"
trap 'rm -rf "\$work"' EXIT
aws s3 cp --only-show-errors 's3://$ARTIFACT_BUCKET/$key' "\$work/server.tgz"
if ! echo "$digest  \$work/server.tgz" | sha256sum -c --quiet -; then
  echo 'release $SHA: the bundle in the bucket does not match its SHA-256 $digest; nothing unpacked' >&2
  exit 4
fi
tar -xzf "\$work/server.tgz" -C "\$work" release.sh
CHAT_BUNDLE="\$work/server.tgz" CHAT_BUNDLE_SHA256='$digest' bash "\$work/release.sh" '$SHA'
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
  if [[ "$pointer" == set ]]; then
    set_pointer "$SHA" "$digest"
    echo "ship-server: released $SHA ($RELEASE_PARAMETER = $SHA $digest)" >&2
  else
    echo "ship-server: released $SHA on $INSTANCE_ID (pointer left to the caller)" >&2
  fi
  exit 0
fi
code="$(jq -r '.ResponseCode // empty' <<<"${invocation:-null}")"
case "$code" in
  2) echo "ship-server: $SHA failed its health check; the instance rolled back to the previous release" >&2 ;;
  3) echo "ship-server: $SHA failed and the instance has no ready release: act now (see release/README.md)" >&2 ;;
  4) echo "ship-server: the bundle in s3://$ARTIFACT_BUCKET/$key is not the one shipped (SHA-256 differs): nothing unpacked" >&2 ;;
  *) echo "ship-server: release command ended with status $status (code ${code:-none})" >&2 ;;
esac
exit 1
