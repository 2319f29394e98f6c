#!/usr/bin/env bash
# Builds the one deployable server tarball that release.sh unpacks on the instance:
#   app/protocol/{package.json,dist}  app/server/{package.json,dist}  package.json  release.json
#   node_modules/  (production dependencies of @chat/server only, @chat/protocol linked to app/protocol)
#   release.sh     (the instance-side release script, so one SHA-256 covers everything that runs as root)
#
#   release/bundle.sh <out.tgz>
#
# Needs app/protocol and app/server built first (`npm run build -w app/protocol -w app/server`).
# The dependencies come from the root lock file through `npm ci`, so the bundle has exactly the
# versions CI tested. Native add-ons are installed for the machine that runs this: build on the
# same OS and CPU as the instance (the workflow builds on ubuntu x64 for an x86_64 Amazon Linux host).
# RELEASE_SHA (default: git HEAD) is recorded in release.json inside the bundle.
set -euo pipefail

out="${1:?usage: bundle.sh <out.tgz>}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

for built in app/protocol/dist/cjs/index.js app/server/dist/main.js; do
  [[ -f "$root/$built" ]] || { echo "bundle: $built is missing; build app/protocol and app/server first" >&2; exit 1; }
done

stage="$(mktemp -d "${TMPDIR:-/tmp}/chat-bundle.XXXXXX")"
trap 'rm -rf -- "$stage"' EXIT

# npm ci insists that the lock file matches package.json, so the staging root carries the root
# manifest and every workspace's manifest; only the server's production tree gets installed.
cp "$root/package.json" "$root/package-lock.json" "$stage/"
mapfile -t workspaces < <(node -e 'for (const w of require(process.argv[1]).workspaces) console.log(w)' "$root/package.json")
for ws in "${workspaces[@]}"; do
  mkdir -p "$stage/$ws"
  cp "$root/$ws/package.json" "$stage/$ws/package.json"
done
cp -R "$root/app/protocol/dist" "$stage/app/protocol/dist"
cp -R "$root/app/server/dist" "$stage/app/server/dist"
# Build caches and source maps' sources are not needed to run; declaration files neither.
find "$stage/app" -path '*/dist/*' \( -name '*.tsbuildinfo' -o -name '.tsbuildinfo' \) -delete

(
  cd "$stage"
  npm ci --omit=dev --workspace @chat/server --include-workspace-root=false \
    --no-audit --no-fund --loglevel=error
)

# Drop the other workspaces' manifests and the links npm made to them: only protocol and server ship.
for ws in "${workspaces[@]}"; do
  case "$ws" in app/protocol | app/server) ;; *) rm -rf -- "${stage:?}/$ws" ;; esac
done
find "$stage/node_modules" -maxdepth 2 -xtype l -delete
rmdir "$stage/app/web" 2>/dev/null || true

# A plain root manifest: the workspace list and dev scripts mean nothing on the instance.
sha="${RELEASE_SHA:-$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)}"
node -e '
  const [dir, sha] = process.argv.slice(1);
  const fs = require("node:fs");
  const path = require("node:path");
  const write = (name, value) => fs.writeFileSync(path.join(dir, name), JSON.stringify(value, null, 2) + "\n");
  write("package.json", { name: "chat-release", private: true, version: "1.0.0", engines: { node: ">=24 <25" } });
  write("release.json", { sha, builtAt: new Date().toISOString(), node: process.version });
' "$stage" "$sha"

cp "$root/release/release.sh" "$stage/release.sh"
mkdir -p "$(dirname "$out")"
tar -czf "$out" -C "$stage" release.sh package.json release.json app node_modules
echo "bundle: $out ($(du -h "$out" | cut -f1), sha $sha, sha256 $(sha256sum "$out" | cut -d' ' -f1))" >&2
