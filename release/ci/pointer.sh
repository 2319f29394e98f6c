#!/usr/bin/env bash
# Sourced by ship-server.sh and roll-release.sh: the checks every value gets before it goes into a command that runs
# as root on an instance, and the release pointer (the SSM parameter naming what every instance serves, as
# "<commit sha> <sha256 of the bundle>"; infra/src/names.ts releaseParameterName).

die() { echo "${0##*/}: $*" >&2; exit 1; }

# <name> <value> <pattern>: the value must match the pattern in full.
must_match() { [[ "$2" =~ $3 ]] || die "$1 '$2' does not look right"; }
check_sha() { must_match SHA "$1" '^[0-9a-f]{40}$'; }
check_digest() { must_match 'bundle SHA-256' "$1" '^[0-9a-f]{64}$'; }
check_region() { must_match AWS_REGION "$1" '^[a-z]{2}(-gov)?-[a-z]+-[0-9]$'; }
check_bucket() { must_match ARTIFACT_BUCKET "$1" '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$'; }
check_parameter() { must_match RELEASE_PARAMETER "$1" '^(/[A-Za-z0-9_.-]+)+$'; }

# Release files are tagged superseded (the artifact bucket expires only those, infra/src/names.ts SUPERSEDED_TAG)
# until they become the current release, so a release that fails its health check expires too.
tag_release() { # <sha> superseded|current
  local key="releases/$1/server.tgz"
  if [[ "$2" == current ]]; then
    aws s3api delete-object-tagging --bucket "$ARTIFACT_BUCKET" --key "$key" >/dev/null
  else
    aws s3api put-object-tagging --bucket "$ARTIFACT_BUCKET" --key "$key" --tagging 'TagSet=[{Key=chat-release,Value=superseded}]' >/dev/null
  fi
}

# Prints the pointer's "<sha> <digest>", or nothing when it names no release yet (or cannot be read).
read_pointer() {
  local value
  value="$(aws ssm get-parameter --name "$RELEASE_PARAMETER" --query Parameter.Value --output text 2>/dev/null || true)"
  [[ "$value" =~ ^[0-9a-f]{40}\ [0-9a-f]{64}$ ]] && echo "$value"
  return 0
}

# <sha> <digest>: the pointer names this release, its bundle stops expiring and the one it replaces starts to.
set_pointer() {
  local previous
  previous="$(read_pointer)"
  aws ssm put-parameter --name "$RELEASE_PARAMETER" --type String --value "$1 $2" --overwrite >/dev/null
  tag_release "$1" current
  if [[ -n "$previous" && "${previous%% *}" != "$1" ]]; then
    tag_release "${previous%% *}" superseded || echo "${0##*/}: could not tag ${previous%% *} superseded (it will not expire)" >&2
  fi
}
