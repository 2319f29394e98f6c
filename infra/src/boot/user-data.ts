import { APP_ROOT, BUNDLE_FILE, NO_RELEASE, SERVER_LOG_FILE, SERVER_MAIN, SERVICE_NAME, SERVICE_USER, releaseKey } from '../names';
import type { BootStep } from './boot-step';
import type { NodeRelease } from './node-release';
import { SERVICE_HARDENING } from './service-hardening';

export interface UserDataSettings {
  /** The pinned Node release (version and tarball checksums); see node-release.ts. */
  node: NodeRelease;
  /** The server's port: below 1024 the unprivileged service user gets CAP_NET_BIND_SERVICE, nothing more. */
  port: number;
  /** Server settings, written as Environment= lines of the unit (values may be terraform interpolations). */
  environment: Record<string, string>;
  /** Further named steps (boot/*.ts): OS seams, a step function each, run after the unit and before the release. */
  bootSteps?: BootStep[];
  region: string;
  /** Bucket holding releases/<sha>/server.tgz (may be a terraform interpolation). */
  artifactBucket: string;
  /** SSM parameter naming the release to serve (names.releaseParameterName). */
  releaseParameter: string;
}

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const PARAMETER = /^(\/[A-Za-z0-9_.-]+)+$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The instance's boot script: a sequence of small named steps, run in order by `main` at the end, so a step can be
 * added (the CloudWatch agent, say) without touching the others. It runs on every first boot, including a
 * replacement instance after a user-data change: its last step serves the release the pointer names, so a new
 * instance needs no pipeline run to serve.
 *
 * Seams for a test run outside EC2 (all unset on an instance):
 *   CHAT_BOOT_ROOT   prefix for every path it writes (/usr/local, /opt/chat, /etc/systemd, /var/log)
 *   CHAT_BOOT_OS     a file sourced after the os_* functions are defined, to replace them (dnf, useradd, systemctl)
 *   CHAT_NODE_DIST   where the Node tarballs are (https://nodejs.org/dist)
 * It never contains `${` of its own: terraform would read that as an interpolation; only the settings are.
 */
export function renderUserData(s: UserDataSettings): string {
  for (const [k, v] of Object.entries(s.environment)) {
    if (!ENV_NAME.test(k)) throw new Error(`bad environment name ${k}`);
    if (/["\\\n]/.test(v)) throw new Error(`environment value for ${k} may not contain quotes, backslashes or newlines`);
  }
  for (const [arch, sum] of Object.entries(s.node.sha256)) {
    if (!SHA256.test(sum)) throw new Error(`Node ${s.node.version} ${arch}: not a SHA-256: ${sum}`);
  }
  if (!/^\d+\.\d+\.\d+$/.test(s.node.version)) throw new Error(`bad Node version ${s.node.version}`);
  for (const [k, v] of [
    ['region', s.region],
    ['artifactBucket', s.artifactBucket],
    ['releaseParameter', s.releaseParameter],
  ]) {
    if (/['\\\n]/.test(v!)) throw new Error(`${k} may not contain quotes, backslashes or newlines`);
  }
  // What is known now is checked now; a terraform reference (the bucket) is checked on the instance (step_settings).
  if (!REGION.test(s.region)) throw new Error(`bad region ${s.region}`);
  if (!PARAMETER.test(s.releaseParameter)) throw new Error(`bad parameter name ${s.releaseParameter}`);
  const bind =
    s.port < 1024 ? 'AmbientCapabilities=CAP_NET_BIND_SERVICE\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE' : 'CapabilityBoundingSet=';
  const env = Object.entries(s.environment)
    .map(([k, v]) => `Environment="${k}=${v}"`)
    .join('\n');
  const bundleKey = releaseKey('$sha');
  const extra = s.bootSteps ?? [];
  for (const st of extra) if (!/^[a-z][a-z0-9_]*$/.test(st.name)) throw new Error(`bad boot step name ${st.name}`);
  return `#!/bin/bash
# Boot script of a chat instance (runs once, as root, on its first boot). Steps below, run in order by main.
set -euo pipefail

ROOT="$(printenv CHAT_BOOT_ROOT || true)"
NODE_VERSION='${s.node.version}'
NODE_SHA256_X64='${s.node.sha256.x64}'
NODE_SHA256_ARM64='${s.node.sha256.arm64}'
NODE_DIST="$(printenv CHAT_NODE_DIST || echo https://nodejs.org/dist)"
AWS_REGION='${s.region}'
ARTIFACT_BUCKET='${s.artifactBucket}'
RELEASE_PARAMETER='${s.releaseParameter}'
APP_HOME="$ROOT${APP_ROOT}"
UNIT_FILE="$ROOT/etc/systemd/system/${SERVICE_NAME}"
export AWS_REGION AWS_DEFAULT_REGION="$AWS_REGION"

log() { printf '%s boot: %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

# Every download retries: the network may take a moment after launch, and S3 or nodejs.org may blip.
retry() { # <attempts> <command...>
  local n=$1 i=1
  shift
  until "$@"; do
    if [ "$i" -ge "$n" ]; then log "gave up after $n attempts: $*"; return 1; fi
    sleep $((i < 10 ? i * 2 : 20))
    i=$((i + 1))
  done
}

# --- OS seam: what a test replaces through CHAT_BOOT_OS ---------------------------------------------------------
os_install_packages() { rpm -q tar xz jq >/dev/null 2>&1 || retry 5 dnf install -y tar xz jq; }
os_add_user() { id -u ${SERVICE_USER} >/dev/null 2>&1 || useradd --system --home-dir /var/lib/chat --shell /sbin/nologin ${SERVICE_USER}; }
os_enable_service() { systemctl daemon-reload && systemctl enable ${SERVICE_NAME}; }
# What release.sh runs to (re)start the service.
os_restart_command() { echo 'systemctl reset-failed chat 2>/dev/null; systemctl restart chat'; }
${extra.map((st) => st.os).join('\n')}
CHAT_BOOT_OS="$(printenv CHAT_BOOT_OS || true)"
if [ -n "$CHAT_BOOT_OS" ]; then
  # shellcheck source=/dev/null
  . "$CHAT_BOOT_OS"
fi

# --- Steps ----------------------------------------------------------------------------------------------------------
step_log_to_file() {
  mkdir -p "$ROOT/var/log"
  exec > >(tee -a "$ROOT/var/log/chat-boot.log") 2>&1
}

# Everything this root script puts into a command line, checked first: a value that does not look right stops here.
step_settings() {
  [[ "$AWS_REGION" =~ ^[a-z]{2}(-gov)?-[a-z]+-[0-9]$ ]] || { log "bad region $AWS_REGION"; return 1; }
  [[ "$ARTIFACT_BUCKET" =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] || { log "bad artifact bucket $ARTIFACT_BUCKET"; return 1; }
  [[ "$RELEASE_PARAMETER" =~ ^(/[A-Za-z0-9_.-]+)+$ ]] || { log "bad release parameter $RELEASE_PARAMETER"; return 1; }
}

step_packages() { os_install_packages; }

# The pinned Node release, its tarball checked against the checksum in the repository (not only the host's list).
step_node() {
  local arch sum tarball dist work
  case "$(uname -m)" in
    x86_64) arch=x64 sum="$NODE_SHA256_X64" ;;
    aarch64) arch=arm64 sum="$NODE_SHA256_ARM64" ;;
    *) log "unsupported architecture $(uname -m)"; return 1 ;;
  esac
  dist="node-v$NODE_VERSION-linux-$arch"
  tarball="$dist.tar.xz"
  work="$(mktemp -d)"
  retry 10 curl -fsSL --connect-timeout 10 --max-time 300 -o "$work/$tarball" "$NODE_DIST/v$NODE_VERSION/$tarball"
  echo "$sum  $work/$tarball" | sha256sum -c - || { log "checksum mismatch for $tarball"; return 1; }
  mkdir -p "$ROOT/usr/local/lib/nodejs" "$ROOT/usr/local/bin"
  tar -xJf "$work/$tarball" -C "$ROOT/usr/local/lib/nodejs" --no-same-owner
  rm -rf "$work"
  ln -sfn "$dist" "$ROOT/usr/local/lib/nodejs/current"
  for bin in node npm npx; do
    ln -sfn "../lib/nodejs/current/bin/$bin" "$ROOT/usr/local/bin/$bin"
  done
  [ "$("$ROOT/usr/local/bin/node" --version)" = "v$NODE_VERSION" ] || { log "expected Node v$NODE_VERSION, got $("$ROOT/usr/local/bin/node" --version)"; return 1; }
  log "node v$NODE_VERSION ($arch)"
}

# The server runs as an unprivileged system user.
step_service_user() { os_add_user; }

# Layout shared with release.sh: ${APP_ROOT}/releases/<sha>, ${APP_ROOT}/current -> releases/<sha>.
step_layout() { install -d -m 0755 "$APP_HOME" "$APP_HOME/releases"; }

step_unit() {
  mkdir -p "$(dirname "$UNIT_FILE")"
  cat > "$UNIT_FILE" <<'UNIT'
[Unit]
Description=Realtime chat server
Wants=network-online.target
After=network-online.target
# Skipped (not failed) until a first release is unpacked.
ConditionPathExists=${SERVER_MAIN}

[Service]
Type=simple
User=${SERVICE_USER}
Group=${SERVICE_USER}
WorkingDirectory=${APP_ROOT}/current
Environment="NODE_ENV=production"
${env}
ExecStart=/usr/local/bin/node ${SERVER_MAIN}
Restart=always
RestartSec=2
KillSignal=SIGTERM
TimeoutStopSec=30
${bind}
NoNewPrivileges=true
StateDirectory=chat
ProtectSystem=strict
ProtectHome=true
PrivateTmp=true
# JSON log lines to a file the CloudWatch agent ships (boot/cloudwatch-agent.ts); systemd's own lines stay in journald.
LogsDirectory=chat
StandardOutput=append:${SERVER_LOG_FILE}
StandardError=append:${SERVER_LOG_FILE}
${SERVICE_HARDENING}
${extra.flatMap((st) => st.unitLines ?? []).join('\n')}

[Install]
WantedBy=multi-user.target
UNIT
  os_enable_service
}

${extra.map((st) => `step_${st.name}() {\n${st.body}\n}\n`).join('\n')}
# The release the pointer names ("<commit> <sha256 of the bundle>"): the bundle is checked against that digest before
# anything of it runs, then its own release.sh does what the pipeline's command does (unpack, switch, start, /readyz).
step_release() {
  local pointer sha digest work
  pointer="$(retry 10 aws ssm get-parameter --name "$RELEASE_PARAMETER" --query Parameter.Value --output text)"
  if [ "$pointer" = '${NO_RELEASE}' ]; then
    log "no release yet ($RELEASE_PARAMETER is ${NO_RELEASE}): npm run deploy or the pipeline ships the first one"
    return 0
  fi
  read -r sha digest <<<"$pointer"
  if ! [[ "$sha" =~ ^[0-9a-f]{40}$ && "$digest" =~ ^[0-9a-f]{64}$ ]]; then
    log "the release pointer $RELEASE_PARAMETER is not '<commit> <sha256>': $pointer (ship a release again)"
    return 1
  fi
  work="$(mktemp -d)"
  retry 10 aws s3 cp --only-show-errors "s3://$ARTIFACT_BUCKET/${bundleKey}" "$work/${BUNDLE_FILE}"
  echo "$digest  $work/${BUNDLE_FILE}" | sha256sum -c --quiet - || { log "release $sha: the bundle does not match its recorded SHA-256; not unpacked"; return 1; }
  tar -xzf "$work/${BUNDLE_FILE}" -C "$work" release.sh
  CHAT_HOME="$APP_HOME" CHAT_BUNDLE="$work/${BUNDLE_FILE}" CHAT_BUNDLE_SHA256="$digest" CHAT_RESTART_CMD="$(os_restart_command)" \\
    retry 3 bash "$work/release.sh" "$sha"
  rm -rf "$work"
  log "serving release $sha"
}

main() {
  step_log_to_file
  step_settings
  step_packages
  step_node
  step_service_user
  step_layout
  step_unit
${extra.map((st) => `  step_${st.name}\n`).join('')}  step_release
  log "done"
}

main "$@"
`;
}
