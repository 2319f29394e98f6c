import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { CloudfrontResponseHeadersPolicy } from '@cdktf/provider-aws/lib/cloudfront-response-headers-policy';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PUBLISHED_METRICS, cloudWatchAgentBootStep, cloudWatchAgentConfig, prometheusScrapeConfig } from '../src/boot/cloudwatch-agent';
import { STACK_ORDER } from '../src/names';
import { only, resources, synthAll } from './helpers';

const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';
const userData = (json: string) => String(only(json, 'aws_instance').user_data);

/** The text between `cat > <file> <<'TAG'` and `TAG` in the boot script. */
function heredoc(script: string, file: string): string {
  const m = new RegExp(`cat > "\\$ROOT${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}" <<'(\\w+)'\\n([\\s\\S]*?)\\n\\1\\n`).exec(script);
  if (!m) throw new Error(`no heredoc for ${file}`);
  return m[2]!;
}

describe('monitoring (compute stack)', () => {
  const { json } = synthAll();
  const compute = json.compute;
  const alarms = resources(compute, 'aws_cloudwatch_metric_alarm');
  const topicId = Object.keys(JSON.parse(compute).resource.aws_sns_topic as Record<string, unknown>);
  const topicArn = `\${aws_sns_topic.${topicId[0]}.arn}`;

  test('the server log group keeps logs for the configured days; errors in it are counted', () => {
    expect(compute).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/chat/server', retention_in_days: 14 });
    expect(compute).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/chat/metrics', retention_in_days: 1 });
    expect(synthAll({ logRetentionDays: 30 }).json.compute).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/chat/server',
      retention_in_days: 30,
    });
    expect(compute).toHaveResourceWithProperties(CloudwatchLogMetricFilter, {
      pattern: '{ $.level >= 50 }',
      metric_transformation: expect.objectContaining({ name: 'ServerErrors', namespace: 'Chat', value: '1' }),
    });
  });

  test('alarms for dead letters, a stalled queue, CPU credits, status checks, server errors and throttles, all sent to the alert e-mail', () => {
    const by = Object.fromEntries(alarms.map((a) => [String(a.alarm_name), a]));
    expect(Object.keys(by).sort()).toEqual(
      [
        'chat-cpu-credits-low',
        'chat-dead-letters',
        'chat-history-throttled',
        'chat-queue-stalled',
        'chat-server-errors',
        'chat-status-check',
      ].sort(),
    );
    expect(by['chat-dead-letters']).toMatchObject({
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: 'chat-messages-dlq.fifo' },
      threshold: 1,
    });
    expect(by['chat-queue-stalled']).toMatchObject({
      metric_name: 'ApproximateAgeOfOldestMessage',
      dimensions: { QueueName: 'chat-messages.fifo' },
    });
    expect(by['chat-cpu-credits-low']).toMatchObject({
      namespace: 'AWS/EC2',
      metric_name: 'CPUCreditBalance',
      comparison_operator: 'LessThanThreshold',
      dimensions: { InstanceId: '${aws_instance.server.id}' },
    });
    expect(by['chat-status-check']).toMatchObject({ metric_name: 'StatusCheckFailed', treat_missing_data: 'breaching' });
    expect(by['chat-server-errors']).toMatchObject({ namespace: 'Chat', metric_name: 'ServerErrors' });
    expect(by['chat-history-throttled']).toMatchObject({
      namespace: 'AWS/DynamoDB',
      metric_name: 'WriteThrottleEvents',
      dimensions: { TableName: 'chat-history' },
    });
    for (const a of alarms) {
      expect(a.alarm_actions).toEqual([topicArn]);
      expect(a.ok_actions).toEqual([topicArn]);
      expect(String(a.alarm_description)).toContain('Operating it');
    }
    expect(compute).toHaveResourceWithProperties(SnsTopicSubscription, {
      protocol: 'email',
      endpoint: 'ops@example.org',
      topic_arn: topicArn,
    });
  });

  test('within the free tier: at most 10 alarms, 3 dashboards, 10 custom metrics in every configuration', () => {
    for (const cloudfront of [false, true]) {
      const all = synthAll({ cloudfront }).json;
      const count = (type: string) => STACK_ORDER.reduce((n, s) => n + resources(all[s], type).length, 0);
      expect(count('aws_cloudwatch_metric_alarm')).toBeLessThanOrEqual(10);
      expect(count('aws_cloudwatch_dashboard')).toBeLessThanOrEqual(3);
    }
    // Published: the scraped server metrics (the ack summary twice: p50 and p99), the error-line filter, memory and disk.
    const customMetrics = PUBLISHED_METRICS.length + 1 + 1 + 2;
    expect(customMetrics).toBeLessThanOrEqual(10);
  });

  test('the dashboard shows messages/s, ack p99, sockets, CPU and credits, queue age, DLQ depth and DynamoDB throttles', () => {
    const dashboard = only(compute, 'aws_cloudwatch_dashboard');
    expect(dashboard.dashboard_name).toBe('chat-chat');
    const body = JSON.parse(String(dashboard.dashboard_body)) as {
      widgets: { type: string; properties: { title: string; metrics?: unknown[][]; query?: string } }[];
    };
    const titles = body.widgets.map((w) => w.properties.title);
    expect(titles).toEqual(
      expect.arrayContaining(['Messages per second', 'Ack latency p99 (s)', 'Connected sockets', 'CPU and CPU credit balance']),
    );
    const metricNames = body.widgets.flatMap((w) => (w.properties.metrics ?? []).map((m) => m[1]).filter((n) => typeof n === 'string'));
    for (const name of [
      'chat_messages_accepted_total',
      'chat_ack_latency_seconds',
      'chat_connected_sockets',
      'CPUUtilization',
      'CPUCreditBalance',
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesVisible',
      'WriteThrottleEvents',
      'ReadThrottleEvents',
    ]) {
      expect(metricNames).toContain(name);
    }
    const p99 = body.widgets.find((w) => w.properties.title === 'Ack latency p99 (s)')!.properties.metrics![0]!;
    expect(p99.slice(0, 6)).toEqual(['Chat', 'chat_ack_latency_seconds', 'job', 'chat', 'quantile', '0.99']);
    expect(JSON.stringify(body)).toContain('${aws_instance.server.id}');
    expect(body.widgets.find((w) => w.type === 'log')!.properties.query).toContain("SOURCE '/chat/server'");
  });

  test("the boot script installs the CloudWatch agent with the log group, and scrapes the server's /metrics on loopback", () => {
    const ud = userData(compute);
    expect(ud).toContain('dnf install -y amazon-cloudwatch-agent logrotate');
    expect(ud).toContain('/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c "file:$1"');
    expect(ud).toContain('  step_unit\n  step_cloudwatch_agent\n  step_secrets\n  step_release\n');
    const agent = JSON.parse(heredoc(ud, '/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json')) as {
      agent: { run_as_user: string };
      logs: {
        logs_collected: { files: { collect_list: { file_path: string; log_group_name: string }[] } };
        metrics_collected: {
          prometheus: {
            log_group_name: string;
            prometheus_config_path: string;
            emf_processor: { metric_namespace: string; metric_declaration: { metric_selectors: string[] }[] };
          };
        };
      };
    };
    expect(agent.agent.run_as_user).toBe('cwagent');
    expect(agent.logs.logs_collected.files.collect_list).toEqual([
      expect.objectContaining({ file_path: '/var/log/chat/server.log', log_group_name: '/chat/server' }),
    ]);
    const prom = agent.logs.metrics_collected.prometheus;
    expect(prom.log_group_name).toBe('/chat/metrics');
    expect(prom.emf_processor.metric_namespace).toBe('Chat');
    expect(prom.emf_processor.metric_declaration.flatMap((d) => d.metric_selectors).sort()).toEqual(
      PUBLISHED_METRICS.map((m) => `^${m}$`).sort(),
    );
    const scrape = heredoc(ud, prom.prometheus_config_path);
    expect(scrape).toContain("- targets: ['127.0.0.1:3000']");
    expect(scrape).toContain('metrics_path: /metrics');
    expect(heredoc(userData(synthAll({ appPort: 80 }).json.compute), prom.prometheus_config_path)).toContain("- targets: ['127.0.0.1:80']");
    // The unit writes the log file the agent tails, and it is rotated.
    expect(ud).toContain('StandardOutput=append:/var/log/chat/server.log');
    expect(ud).toContain('cat > "$ROOT/etc/logrotate.d/chat"');
    // The agent starts after its log groups exist (it may not create them).
    expect(only(compute, 'aws_instance').depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_cloudwatch_log_group\.monitoring_server-logs/)]),
    );
  });

  test('the agent step, run with its OS seam replaced, writes a valid configuration and starts the agent with it', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-agent-step-'));
    try {
      const step = cloudWatchAgentBootStep({ logGroup: '/chat/server', metricsLogGroup: '/chat/metrics', port: 3000 });
      const script = [
        'set -euo pipefail',
        `ROOT='${root}'`,
        'log() { echo "$*" >&2; }',
        'retry() { shift; "$@"; }',
        step.os,
        // The seam a test replaces: no dnf, no real agent.
        'os_install_cloudwatch_agent() { echo installed >> "$ROOT/calls"; }',
        'os_start_cloudwatch_agent() { echo "started $1" >> "$ROOT/calls"; }',
        `step_${step.name}() {\n${step.body}\n}`,
        `step_${step.name}`,
      ].join('\n');
      execFileSync('bash', ['-c', script], { stdio: 'pipe' });
      const config = path.join(root, 'opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json');
      expect(fs.readFileSync(path.join(root, 'calls'), 'utf8')).toBe(`installed\nstarted ${config}\n`);
      expect(JSON.parse(fs.readFileSync(config, 'utf8'))).toEqual(
        cloudWatchAgentConfig({ logGroup: '/chat/server', metricsLogGroup: '/chat/metrics', port: 3000 }),
      );
      expect(fs.readFileSync(path.join(root, 'opt/aws/amazon-cloudwatch-agent/etc/prometheus.yaml'), 'utf8')).toBe(
        prometheusScrapeConfig(3000),
      );
      expect(fs.readFileSync(path.join(root, 'etc/logrotate.d/chat'), 'utf8')).toMatch(
        /^\/var\/log\/chat\/server\.log \{\n[\s\S]*copytruncate\n\}\n$/,
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('the service is sandboxed, and a configuration error (exit 78) is not restarted in a loop', () => {
    const ud = userData(compute);
    for (const line of [
      'PrivateDevices=true',
      'ProtectKernelTunables=true',
      'ProtectKernelModules=true',
      'ProtectKernelLogs=true',
      'ProtectControlGroups=true',
      'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK',
      'RestrictNamespaces=true',
      'SystemCallFilter=@system-service',
      'MemoryMax=700M',
      'RestartPreventExitStatus=78',
    ]) {
      expect(ud).toContain(`\n${line}\n`);
    }
    // V8 compiles code at run time: this one would kill the server.
    expect(ud).not.toContain('MemoryDenyWriteExecute');
  });

  // systemd 252 here (Debian 12) is Amazon Linux 2023's version: every directive must be one it knows.
  (fs.existsSync(SYSTEMD_ANALYZE) ? test : test.skip)('systemd-analyze verify accepts the unit (no unknown or malformed directive)', () => {
    const unit = /<<'UNIT'\n([\s\S]*?)\nUNIT\n/.exec(userData(compute))![1]!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-unit-'));
    const file = path.join(dir, 'chat.service');
    try {
      // What only exists on the instance: the release's entry point, the secrets reader and the service user.
      fs.writeFileSync(
        file,
        unit
          .replace(/^ExecStart=.*$/m, 'ExecStart=/bin/true')
          .replace(/^ExecStartPre=\+\/usr\/local\/libexec\/chat-secrets$/m, 'ExecStartPre=+/bin/true')
          .replace(/^ConditionPathExists=.*$/m, '')
          .replace(/^(User|Group)=chat$/gm, '$1=daemon'),
      );
      const r = spawnSync(SYSTEMD_ANALYZE, ['verify', file], { encoding: 'utf8' });
      expect(r.stderr.split('\n').filter((l) => l.trim() !== '')).toEqual([]);
      expect(r.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CloudFront security headers (web stack)', () => {
  test('with CloudFront the site gets a CSP and the usual security headers; the server keeps its own', () => {
    const web = synthAll({ cloudfront: true }).json.web;
    const policy = only(web, 'aws_cloudfront_response_headers_policy') as {
      security_headers_config: Record<string, Record<string, unknown>>;
    };
    const h = policy.security_headers_config;
    const csp = String(h.content_security_policy!.content_security_policy);
    expect(h.content_security_policy!.override).toBe(false);
    for (const d of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'self'"])
      expect(csp).toContain(d);
    expect(csp).toMatch(
      /img-src 'self' data: blob: https:\/\/chat-uploads-\$\{data\.aws_caller_identity\.account\.account_id\}-us-east-1\.s3\.us-east-1\.amazonaws\.com/,
    );
    expect(csp).not.toContain("'unsafe-eval'");
    expect(h.strict_transport_security).toMatchObject({ override: true });
    expect(h.content_type_options).toBeDefined();
    expect(h.frame_options).toMatchObject({ frame_option: 'DENY' });
    expect(h.referrer_policy).toBeDefined();
    expect(web).toHaveResourceWithProperties(CloudfrontResponseHeadersPolicy, {
      custom_headers_config: { items: [expect.objectContaining({ header: 'Permissions-Policy' })] },
    });
  });
});
