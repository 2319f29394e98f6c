/**
 * Secrets on the instance: a small reader, installed by the boot script, that fetches the deployment's SecureStrings
 * from SSM (with the instance role, which may read only them and the release pointer) and writes them as the
 * service's environment file. systemd runs it before every start of the service (ExecStartPre, as root), so a
 * rotated secret reaches the server with a restart; the boot step runs it once, so a role or parameter that is wrong
 * stops the boot with a clear line instead of a server that cannot start. Nothing secret is in the user data.
 */
import { SECRETS, SECRET_VALUE, ORIGIN_SECRET_VALUE, type SecretName } from '../secrets';
import type { BootStep } from './boot-step';

/** Root-only, on tmpfs: gone at shutdown, rewritten at each start. */
export const SECRETS_DIR = '/run/chat-secrets';
export const SECRETS_ENV_FILE = `${SECRETS_DIR}/server.env`;
export const SECRETS_READER = '/usr/local/libexec/chat-secrets';

export interface SecretsSettings {
  /** The SSM parameter of each secret the layout uses (secrets.secretParameterName). */
  parameters: Partial<Record<SecretName, string>>;
  /** With several servers: Valkey's host:port; the reader writes REDIS_URL=rediss://:<token>@<host:port>. */
  redisAddress?: string;
  /**
   * Server settings another stack writes after this one (the auth stack's issuer and client id), by variable: read
   * with the secrets at every start, but not required by the boot's own check, which may run before that stack exists
   * (no release is served before every stack is applied; a start without them fails, as the server would).
   */
  settings?: Record<string, string>;
}

/** What a setting's value may be: a URL or an identifier, nothing a shell or an environment file would read twice. */
export const SETTING_VALUE = /^[A-Za-z0-9._:\/-]{1,512}$/;
/** Set by the boot step's own run of the reader: settings may still be missing then. */
export const SETTINGS_OPTIONAL_ENV = 'CHAT_SETTINGS_OPTIONAL';

/**
 * The unit lines that make systemd read the secrets before each start: `+` runs the reader as root, outside the
 * sandbox; the file is read again for ExecStart, after the reader wrote it (`-`: it does not exist yet when systemd
 * prepares ExecStartPre after a reboot, /run being memory).
 */
export const SECRETS_UNIT_LINES = [`ExecStartPre=+${SECRETS_READER}`, `EnvironmentFile=-${SECRETS_ENV_FILE}`];

const PARAMETER = /^(\/[A-Za-z0-9_.-]+)+$/;

/** The reader: a bash script with the parameter names and the Valkey URL written in; everything else it fetches. */
export function secretsReader(s: SecretsSettings): string {
  const entries = Object.entries(s.parameters) as [SecretName, string][];
  const settings = Object.entries(s.settings ?? {});
  for (const [, name] of [...entries, ...settings]) if (!PARAMETER.test(name)) throw new Error(`bad parameter name ${name}`);
  for (const [env] of settings) if (!/^[A-Z][A-Z0-9_]*$/.test(env)) throw new Error(`bad setting name ${env}`);
  if (s.parameters['valkey-auth-token'] !== undefined && !s.redisAddress) throw new Error('the Valkey token needs the Valkey address');
  // Terraform fills in the Valkey endpoint; the reader checks its shape on the instance.
  if (s.redisAddress && /['\\\n]/.test(s.redisAddress)) throw new Error('redisAddress may not contain quotes, backslashes or newlines');
  const lines = entries.map(([secret, name]) => {
    const pattern = secret === 'origin-secret' ? ORIGIN_SECRET_VALUE : SECRET_VALUE;
    return `  put '${name}' '${SECRETS[secret].env}' '${pattern.source}'`;
  });
  const settingLines = settings.map(([env, name]) => `setting '${name}' '${env}' '${SETTING_VALUE.source}'`);
  return `#!/bin/bash
# Writes the chat server's secrets (SSM SecureStrings) to ${SECRETS_ENV_FILE}, root-only; systemd runs it before
# each start of chat.service. Installed by the instance's boot script.
set -euo pipefail
ROOT="$(printenv CHAT_BOOT_ROOT || true)"
REDIS_ADDRESS='${s.redisAddress ?? ''}'
dir="$ROOT${SECRETS_DIR}"
set -- ${[...entries, ...settings].map(([, n]) => `'${n}'`).join(' ')}
# Right after a reboot the network may take a moment.
for attempt in 1 2 3 4 5; do
  if json="$(aws ssm get-parameters --with-decryption --output json --names "$@")"; then break; fi
  [ "$attempt" -lt 5 ] || { echo "chat-secrets: could not read the secrets from SSM" >&2; exit 1; }
  sleep $((attempt * 2))
done
# Settings (written by a later stack) are told apart from secrets: only the boot's own check may go without them.
settings='${JSON.stringify(settings.map(([, n]) => n))}'
missing="$(jq -r --argjson s "$settings" '(.InvalidParameters // []) - $s | join(" ")' <<<"$json")"
settings_missing="$(jq -r --argjson s "$settings" '[(.InvalidParameters // [])[] | select(IN($s[]))] | join(" ")' <<<"$json")"
[ -z "$missing" ] || { echo "chat-secrets: missing SSM parameters: $missing (npm run deploy creates them)" >&2; exit 1; }
if [ -n "$settings_missing" ]; then
  if [ -z "$(printenv ${SETTINGS_OPTIONAL_ENV} || true)" ]; then
    echo "chat-secrets: missing SSM parameters: $settings_missing (the auth stack writes them: npm run deploy)" >&2
    exit 1
  fi
  echo "chat-secrets: not there yet: $settings_missing (written by a stack applied after this instance's)" >&2
fi
umask 077
mkdir -p "$dir"
tmp="$(mktemp "$dir/.server.env.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
put() { # <parameter> <variable> <pattern of a valid value>
  local value
  value="$(jq -r --arg n "$1" '.Parameters[] | select(.Name == $n) | .Value' <<<"$json")"
  [[ "$value" =~ $3 ]] || { echo "chat-secrets: $1 does not look like a secret this kit made (see infra/README, Security)" >&2; exit 1; }
  if [ "$2" = REDIS_URL ]; then
    [[ "$REDIS_ADDRESS" =~ ^[A-Za-z0-9.-]+:[0-9]+$ ]] || { echo "chat-secrets: bad Valkey address $REDIS_ADDRESS" >&2; exit 1; }
    value="rediss://:$value@$REDIS_ADDRESS"
  fi
  printf '%s=%s\\n' "$2" "$value" >>"$tmp"
}
setting() { # <parameter> <variable> <pattern>: like put, for a setting that may not exist yet
  local value
  value="$(jq -r --arg n "$1" '.Parameters[] | select(.Name == $n) | .Value' <<<"$json")"
  [ -n "$value" ] || return 0
  [[ "$value" =~ $3 ]] || { echo "chat-secrets: $1 is not a URL or an identifier: $value" >&2; exit 1; }
  printf '%s=%s\\n' "$2" "$value" >>"$tmp"
}
${lines.join('\n')}
${settingLines.join('\n')}
mv -f "$tmp" "$dir/server.env"
trap - EXIT
echo "chat-secrets: ${entries.length} secrets${settings.length ? ` and ${settings.length} settings` : ''} for the server" >&2
`;
}

/** The boot step: install the reader and run it once. */
export function secretsBootStep(s: SecretsSettings): BootStep {
  const reader = secretsReader(s);
  if (reader.includes('READER\n')) throw new Error('the reader may not contain its own heredoc delimiter');
  return {
    name: 'secrets',
    os: '',
    unitLines: SECRETS_UNIT_LINES,
    body: `  # The reader systemd runs before each start (ExecStartPre); run once now so a problem stops the boot here.
  mkdir -p "$ROOT$(dirname ${SECRETS_READER})"
  cat > "$ROOT${SECRETS_READER}" <<'READER'
${reader}READER
  chmod 0755 "$ROOT${SECRETS_READER}"
  ${SETTINGS_OPTIONAL_ENV}=1 retry 5 "$ROOT${SECRETS_READER}"
  log "secrets: read from SSM into ${SECRETS_ENV_FILE}"`,
  };
}
