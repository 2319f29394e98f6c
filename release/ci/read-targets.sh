#!/usr/bin/env bash
# Prints where the deploy goes, as `key=value` lines for $GITHUB_OUTPUT, read from SSM Parameter Store
# where the infra stacks write them (nothing about the deployment is stored in GitHub but the role and region).
#
#   SSM_PREFIX (default /chat/prod) + /artifact-bucket /instance-id /site-bucket /distribution-id /api-url /site-url
#   /release-parameter (the name of the release pointer, infra/src/names.ts releaseParameterName)
#
# distribution-id is `none` when the site has no CloudFront distribution (an SSM String cannot be empty).
# server-group exists only with several servers (CHAT_INSTANCES ≥ 2); it is printed as `none` otherwise.
set -euo pipefail

prefix="${SSM_PREFIX:-/chat/prod}"
prefix="${prefix%/}"
names=(artifact-bucket instance-id site-bucket distribution-id api-url site-url release-parameter)
paths=("${names[@]/#/$prefix/}")

json="$(aws ssm get-parameters --names "${paths[@]}" --output json)"
missing="$(jq -r '.InvalidParameters // [] | join(" ")' <<<"$json")"
if [[ -n "$missing" ]]; then
  echo "read-targets: missing SSM parameters: $missing (deploy the infra stacks first)" >&2
  exit 1
fi

for name in "${names[@]}"; do
  value="$(jq -r --arg n "$prefix/$name" '.Parameters[] | select(.Name == $n) | .Value' <<<"$json")"
  case "$name" in
    api-url | site-url)
      value="${value%/}"
      [[ "$value" =~ ^https?://[^[:space:]]+$ ]] || { echo "read-targets: $prefix/$name is not a URL: '$value'" >&2; exit 1; }
      ;;
    release-parameter)
      [[ "$value" =~ ^(/[A-Za-z0-9_.-]+)+$ ]] || { echo "read-targets: $prefix/$name is not a parameter name: '$value'" >&2; exit 1; }
      ;;
    *)
      [[ "$value" =~ ^[A-Za-z0-9._-]+$ ]] || { echo "read-targets: $prefix/$name looks wrong: '$value'" >&2; exit 1; }
      ;;
  esac
  echo "${name//-/_}=$value"
done

group="$(aws ssm get-parameters --names "$prefix/server-group" --output json | jq -r '.Parameters[0].Value // "none"')"
[[ "$group" =~ ^[A-Za-z0-9._-]+$ ]] || { echo "read-targets: $prefix/server-group looks wrong: '$group'" >&2; exit 1; }
echo "server_group=$group"
