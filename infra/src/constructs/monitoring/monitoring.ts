import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import type { InfraConfig } from '../../config';
import { skipCheck } from '../../checkov/skip';
import { deadLetterQueueName, logGroupNames, queueName, tableName } from '../../names';
import { SCRAPE_JOB, SERVER_METRICS_NAMESPACE } from '../../boot/cloudwatch-agent';
import { dashboardBody } from './dashboard';

/** The metric the log group's filter counts: server log lines at pino level error (50) or fatal (60). */
export const SERVER_ERRORS_METRIC = 'ServerErrors';

export interface MonitoringProps {
  config: InfraConfig;
  /** The EC2 metrics' dimension: the one instance, or the Auto Scaling group of several servers (CHAT_INSTANCES ≥ 2). */
  server: { InstanceId: string } | { AutoScalingGroupName: string };
}

/**
 * What tells an operator how the chat is doing, all inside CloudWatch's free tier (10 alarms, 3 dashboards,
 * 10 custom metrics, 5 GB of logs): the server's log group, a dashboard, and alarms that e-mail the alert address.
 */
export class Monitoring extends Construct {
  readonly serverLogs: CloudwatchLogGroup;
  readonly metricsLogs: CloudwatchLogGroup;
  readonly topic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[] = [];
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config, server } = props;
    const p = config.prefix;
    const names = logGroupNames(p);

    this.serverLogs = new CloudwatchLogGroup(this, 'server-logs', { name: names.logGroup, retentionInDays: config.logRetentionDays });
    // The agent's embedded-metric-format events of each scrape: CloudWatch turns them into metrics; the events
    // themselves are of no use after that.
    this.metricsLogs = new CloudwatchLogGroup(this, 'metrics-logs', { name: names.metricsLogGroup, retentionInDays: 1 });
    for (const g of [this.serverLogs, this.metricsLogs]) {
      skipCheck(g, 'CKV_AWS_158', 'CloudWatch Logs encrypts at rest by default; a customer managed KMS key costs $1/month plus requests.');
      skipCheck(
        g,
        'CKV_AWS_338',
        'Kept for days, not a year: the free tier stores 5 GB of logs, and these are operational logs (CHAT_LOG_RETENTION_DAYS).',
      );
    }
    new CloudwatchLogMetricFilter(this, 'server-error-lines', {
      name: `${p}-server-errors`,
      logGroupName: this.serverLogs.name,
      pattern: '{ $.level >= 50 }',
      metricTransformation: { name: SERVER_ERRORS_METRIC, namespace: SERVER_METRICS_NAMESPACE, value: '1', unit: 'Count' },
    });

    this.topic = new SnsTopic(this, 'alerts', { name: `${p}-alerts` });
    skipCheck(
      this.topic,
      'CKV_AWS_26',
      'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed SNS key; a customer managed key costs $1/month. Alerts carry no data.',
    );
    // Confirmed by a click in the first e-mail AWS sends; until then nothing is delivered.
    new SnsTopicSubscription(this, 'alert-email', { topicArn: this.topic.arn, protocol: 'email', endpoint: config.alertEmail });

    const alarm = (name: string, description: string, c: Omit<CloudwatchMetricAlarmConfig, 'alarmName' | 'alarmDescription'>) => {
      const a = new CloudwatchMetricAlarm(this, `alarm-${name}`, {
        alarmName: `${p}-${name}`,
        alarmDescription: `${description} See README "Operating it".`,
        alarmActions: [this.topic.arn],
        okActions: [this.topic.arn],
        treatMissingData: 'notBreaching',
        ...c,
      });
      this.alarms.push(a);
      return a;
    };
    const dlq = { QueueName: deadLetterQueueName(p) };
    const queue = { QueueName: queueName(p) };
    const instance = server;
    alarm('dead-letters', 'Messages the server failed to store five times are in the dead-letter queue.', {
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: dlq,
      statistic: 'Maximum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    alarm('queue-stalled', 'A message has waited over 5 minutes in the queue: the server is not consuming it.', {
      namespace: 'AWS/SQS',
      metricName: 'ApproximateAgeOfOldestMessage',
      dimensions: queue,
      statistic: 'Maximum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 300,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    alarm('cpu-credits-low', 'The instance is running out of CPU credits; at zero it is throttled to its 10% baseline.', {
      namespace: 'AWS/EC2',
      metricName: 'CPUCreditBalance',
      dimensions: instance,
      statistic: 'Minimum',
      period: 300,
      evaluationPeriods: 3,
      threshold: 30,
      comparisonOperator: 'LessThanThreshold',
    });
    alarm('status-check', 'The instance or its host fails an EC2 status check.', {
      namespace: 'AWS/EC2',
      metricName: 'StatusCheckFailed',
      dimensions: instance,
      statistic: 'Maximum',
      period: 60,
      evaluationPeriods: 3,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      // A stopped or missing instance reports nothing: that is an outage too.
      treatMissingData: 'breaching',
    });
    alarm('server-errors', 'The server logged errors (pino level error or fatal) in the last 5 minutes.', {
      namespace: SERVER_METRICS_NAMESPACE,
      metricName: SERVER_ERRORS_METRIC,
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 5,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    alarm('history-throttled', 'DynamoDB throttled writes to the history table: its capacity is too small for the traffic.', {
      namespace: 'AWS/DynamoDB',
      metricName: 'WriteThrottleEvents',
      dimensions: { TableName: tableName(p) },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
    });

    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: `${p}-chat`,
      dashboardBody: dashboardBody({
        region: config.region,
        server: Object.entries(server)[0] as [string, string],
        queue: queueName(p),
        deadLetterQueue: deadLetterQueueName(p),
        table: tableName(p),
        namespace: SERVER_METRICS_NAMESPACE,
        job: SCRAPE_JOB,
        serverLogGroup: names.logGroup,
      }),
    });
  }
}
