import { APP_ROOT, SERVER_MAIN, SERVICE_NAME, SERVICE_USER } from './names';
import { SERVER_LOG_FILE } from './boot/cloudwatch-agent';
import { SERVICE_HARDENING } from './boot/service-hardening';

export interface UserDataSettings {
  nodeVersion: string;
  /** The server's port: below 1024 the unprivileged service user gets CAP_NET_BIND_SERVICE, nothing more. */
  port: number;
  /** Server settings, written as Environment= lines of the unit (values may be terraform interpolations). */
  environment: Record<string, string>;
  /** Shell steps run after the unit is written and before it starts (e.g. boot/cloudwatch-agent.ts). */
  bootSteps?: string[];
}

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * First-boot script: Node from the official tarball (checksum verified), a system user, the release layout the
 * pipeline fills, and the systemd unit. It never contains `${` of its own: terraform would read that as an
 * interpolation, and only the settings are meant to be interpolated.
 */
export function renderUserData(s: UserDataSettings): string {
  for (const [k, v] of Object.entries(s.environment)) {
    if (!ENV_NAME.test(k)) throw new Error(`bad environment name ${k}`);
    if (/["\\\n]/.test(v)) throw new Error(`environment value for ${k} may not contain quotes, backslashes or newlines`);
  }
  const bind = s.port < 1024 ? 'AmbientCapabilities=CAP_NET_BIND_SERVICE\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE' : 'CapabilityBoundingSet=';
  const env = Object.entries(s.environment)
    .map(([k, v]) => `Environment="${k}=${v}"`)
    .join('\n');
  return `#!/bin/bash
# Runs once, as root, on the first boot of the chat instance.
set -euo pipefail
exec > >(tee -a /var/log/chat-user-data.log) 2>&1

NODE_VERSION='${s.nodeVersion}'
case "$(uname -m)" in
  x86_64) NODE_ARCH=x64 ;;
  aarch64) NODE_ARCH=arm64 ;;
  *) echo "unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
case "$NODE_VERSION" in
  latest-*) NODE_BASE="https://nodejs.org/dist/$NODE_VERSION" ;;
  *) NODE_BASE="https://nodejs.org/dist/v$NODE_VERSION" ;;
esac

rpm -q tar xz >/dev/null 2>&1 || dnf install -y tar xz
workdir="$(mktemp -d)"
cd "$workdir"
curl -fsSLO --retry 10 --retry-all-errors "$NODE_BASE/SHASUMS256.txt"
NODE_TARBALL="$(grep -o "node-v24\\.[0-9]*\\.[0-9]*-linux-$NODE_ARCH\\.tar\\.xz" SHASUMS256.txt | head -n 1)"
if [ -z "$NODE_TARBALL" ]; then echo "no Node 24 tarball for $NODE_ARCH at $NODE_BASE" >&2; exit 1; fi
NODE_DIST="$(basename "$NODE_TARBALL" .tar.xz)"
curl -fsSLO --retry 10 --retry-all-errors "$NODE_BASE/$NODE_TARBALL"
grep " $NODE_TARBALL\$" SHASUMS256.txt | sha256sum -c -
mkdir -p /usr/local/lib/nodejs
tar -xJf "$NODE_DIST.tar.xz" -C /usr/local/lib/nodejs
ln -sfn "/usr/local/lib/nodejs/$NODE_DIST" /usr/local/lib/nodejs/current
for bin in node npm npx; do
  ln -sfn "/usr/local/lib/nodejs/current/bin/$bin" "/usr/local/bin/$bin"
done
cd /
rm -rf "$workdir"
case "$(/usr/local/bin/node --version)" in
  v24.*) ;;
  *) echo "expected Node 24, got $(/usr/local/bin/node --version)" >&2; exit 1 ;;
esac

# The server runs as an unprivileged system user.
if ! id -u ${SERVICE_USER} >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/chat --shell /sbin/nologin ${SERVICE_USER}
fi
# Layout shared with the deploy pipeline: ${APP_ROOT}/releases/<sha>, ${APP_ROOT}/current -> releases/<sha>.
install -d -o root -g root -m 0755 ${APP_ROOT} ${APP_ROOT}/releases

cat > /etc/systemd/system/${SERVICE_NAME} <<'UNIT'
[Unit]
Description=Realtime chat server
Wants=network-online.target
After=network-online.target
# Skipped (not failed) until the pipeline has shipped a first release.
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

[Install]
WantedBy=multi-user.target
UNIT

${(s.bootSteps ?? []).join('\n')}
systemctl daemon-reload
systemctl enable ${SERVICE_NAME}
systemctl start ${SERVICE_NAME} || true
`;
}
