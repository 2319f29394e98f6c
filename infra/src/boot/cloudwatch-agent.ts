/**
 * The CloudWatch agent on the instance: ships the server's log file to a log group and scrapes the server's
 * /metrics (its Prometheus support), publishing a few of them as CloudWatch metrics through embedded metric
 * format. Rendered into the first-boot script (user-data.ts) as one shell step; nothing here contains `${`,
 * which terraform would read as an interpolation.
 */

import { SERVER_LOG_FILE } from '../names';
import type { BootStep } from './boot-step';

/** CloudWatch namespace of the server's own metrics (the dashboard and alarms read them there). */
export const SERVER_METRICS_NAMESPACE = 'Chat';
/** The job label of the scrape: the single dimension every published server metric has. */
export const SCRAPE_JOB = 'chat';

const AGENT_DIR = '/opt/aws/amazon-cloudwatch-agent';
const AGENT_CONFIG = `${AGENT_DIR}/etc/amazon-cloudwatch-agent.json`;
const PROMETHEUS_CONFIG = `${AGENT_DIR}/etc/prometheus.yaml`;

/**
 * What is published: each name is a custom metric (the free tier has 10; see README "Operating it" for the count).
 * Counters arrive as deltas per scrape, so Sum per minute is messages per minute.
 */
export const PUBLISHED_METRICS = [
  'chat_messages_accepted_total',
  'chat_messages_refused_total',
  'chat_connected_sockets',
  'chat_backend_errors_total',
  // A summary: published per quantile (0.5, 0.99), the dashboard's ack p99.
  'chat_ack_latency_seconds',
] as const;

export interface AgentSettings {
  /** Log group of the server's log lines. */
  logGroup: string;
  /** Log group the agent writes the embedded-metric-format events of the scrape to. */
  metricsLogGroup: string;
  /** The server's port on loopback. */
  port: number;
}

/** The agent's JSON configuration. */
export function cloudWatchAgentConfig(s: AgentSettings): Record<string, unknown> {
  return {
    agent: { run_as_user: 'cwagent', metrics_collection_interval: 60 },
    logs: {
      force_flush_interval: 15,
      logs_collected: {
        files: {
          collect_list: [
            // {instance_id} is the agent's placeholder, resolved on the instance.
            { file_path: SERVER_LOG_FILE, log_group_name: s.logGroup, log_stream_name: '{instance_id}', timezone: 'UTC' },
          ],
        },
      },
      metrics_collected: {
        prometheus: {
          log_group_name: s.metricsLogGroup,
          prometheus_config_path: PROMETHEUS_CONFIG,
          emf_processor: {
            metric_declaration_dedup: true,
            metric_namespace: SERVER_METRICS_NAMESPACE,
            metric_unit: { chat_ack_latency_seconds: 'Seconds' },
            metric_declaration: [
              {
                source_labels: ['job'],
                label_matcher: `^${SCRAPE_JOB}$`,
                dimensions: [['job']],
                metric_selectors: PUBLISHED_METRICS.filter((m) => m !== 'chat_ack_latency_seconds').map((m) => `^${m}$`),
              },
              {
                source_labels: ['job'],
                label_matcher: `^${SCRAPE_JOB}$`,
                dimensions: [['job', 'quantile']],
                metric_selectors: ['^chat_ack_latency_seconds$'],
              },
            ],
          },
        },
      },
    },
    // Memory and disk of the instance (EC2 reports neither by itself): two more custom metrics.
    metrics: {
      namespace: 'Chat/Host',
      metrics_collected: {
        mem: { measurement: ['mem_used_percent'] },
        disk: { measurement: ['used_percent'], resources: ['/'], drop_device: true },
      },
    },
  };
}

/** Prometheus scrape configuration: the server's /metrics on loopback, which it serves only to this host. */
export function prometheusScrapeConfig(port: number): string {
  return [
    'global:',
    '  scrape_interval: 1m',
    '  scrape_timeout: 10s',
    'scrape_configs:',
    `  - job_name: ${SCRAPE_JOB}`,
    '    metrics_path: /metrics',
    '    sample_limit: 2000',
    '    static_configs:',
    `      - targets: ['127.0.0.1:${port}']`,
    '',
  ].join('\n');
}

/** Rotation of the server's log file: the agent has shipped it; the disk is 8 GB. */
const LOGROTATE = `${SERVER_LOG_FILE} {
  daily
  rotate 3
  maxsize 50M
  compress
  delaycompress
  missingok
  notifempty
  copytruncate
}
`;

/**
 * The boot step (user-data.ts runs it after the unit is written): install the agent (Amazon Linux 2023's package)
 * and logrotate, write the agent's and the scrape's configuration and the rotation, start the agent. Paths carry
 * the boot script's $ROOT, and the two os_* functions are what a test run outside EC2 replaces.
 */
export function cloudWatchAgentBootStep(s: AgentSettings): BootStep {
  const config = JSON.stringify(cloudWatchAgentConfig(s), null, 2);
  if (config.includes('${') || config.includes('%{')) throw new Error('agent configuration may not contain terraform template sequences');
  return {
    name: 'cloudwatch_agent',
    os: [
      'os_install_cloudwatch_agent() { retry 5 dnf install -y amazon-cloudwatch-agent logrotate; }',
      `os_start_cloudwatch_agent() { ${AGENT_DIR}/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c "file:$1"; }`,
    ].join('\n'),
    body: `  # The server's log file to CloudWatch Logs, its /metrics scraped into CloudWatch metrics.
  os_install_cloudwatch_agent
  mkdir -p "$ROOT${AGENT_DIR}/etc" "$ROOT/etc/logrotate.d"
  cat > "$ROOT${PROMETHEUS_CONFIG}" <<'PROMETHEUS'
${prometheusScrapeConfig(s.port)}PROMETHEUS
  cat > "$ROOT${AGENT_CONFIG}" <<'AGENT'
${config}
AGENT
  cat > "$ROOT/etc/logrotate.d/chat" <<'LOGROTATE'
${LOGROTATE}LOGROTATE
  os_start_cloudwatch_agent "$ROOT${AGENT_CONFIG}"
  log "cloudwatch agent: logs to ${s.logGroup}, metrics from 127.0.0.1:${s.port}/metrics"`,
  };
}
