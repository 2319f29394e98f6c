/** The one dashboard: the chat's health on a page. Metric arrays are CloudWatch's dashboard body format. */
export interface DashboardSettings {
  region: string;
  /** The EC2 metrics' dimension and value: InstanceId, or AutoScalingGroupName with several servers. */
  server: [string, string];
  queue: string;
  deadLetterQueue: string;
  table: string;
  namespace: string;
  job: string;
  serverLogGroup: string;
}

type Widget = Record<string, unknown>;

const metricWidget = (title: string, metrics: unknown[][], region: string, extra: Record<string, unknown> = {}): Widget => ({
  type: 'metric',
  width: 8,
  height: 6,
  properties: { title, metrics, region, view: 'timeSeries', stat: 'Average', period: 60, ...extra },
});

export function dashboardBody(s: DashboardSettings): string {
  const job = ['job', s.job];
  const widgets: Widget[] = [
    metricWidget(
      'Messages per second',
      [
        [{ expression: 'accepted / PERIOD(accepted)', label: 'accepted /s', id: 'rate' }],
        [s.namespace, 'chat_messages_accepted_total', ...job, { id: 'accepted', stat: 'Sum', visible: false }],
        [s.namespace, 'chat_messages_refused_total', ...job, { stat: 'Sum', label: 'refused per minute' }],
      ],
      s.region,
    ),
    metricWidget(
      'Ack latency p99 (s)',
      [
        [s.namespace, 'chat_ack_latency_seconds', ...job, 'quantile', '0.99', { stat: 'Maximum', label: 'p99' }],
        [s.namespace, 'chat_ack_latency_seconds', ...job, 'quantile', '0.5', { stat: 'Maximum', label: 'p50' }],
      ],
      s.region,
    ),
    metricWidget('Connected sockets', [[s.namespace, 'chat_connected_sockets', ...job, { stat: 'Maximum' }]], s.region),
    metricWidget(
      'CPU and CPU credit balance',
      [
        ['AWS/EC2', 'CPUUtilization', ...s.server, { label: 'CPU %' }],
        ['AWS/EC2', 'CPUCreditBalance', ...s.server, { label: 'credit balance', yAxis: 'right', stat: 'Minimum' }],
      ],
      s.region,
      { period: 300 },
    ),
    metricWidget(
      'Queue: age of oldest message (s), dead letters',
      [
        ['AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', s.queue, { stat: 'Maximum', label: 'oldest message age' }],
        [
          'AWS/SQS',
          'ApproximateNumberOfMessagesVisible',
          'QueueName',
          s.deadLetterQueue,
          { stat: 'Maximum', label: 'dead-letter queue depth', yAxis: 'right' },
        ],
      ],
      s.region,
      { period: 300 },
    ),
    metricWidget(
      'DynamoDB throttles, backend and server errors',
      [
        ['AWS/DynamoDB', 'WriteThrottleEvents', 'TableName', s.table, { stat: 'Sum' }],
        ['AWS/DynamoDB', 'ReadThrottleEvents', 'TableName', s.table, { stat: 'Sum' }],
        [s.namespace, 'chat_backend_errors_total', ...job, { stat: 'Sum', label: 'backend errors' }],
        [s.namespace, 'ServerErrors', { stat: 'Sum', label: 'server error log lines' }],
      ],
      s.region,
      { period: 300 },
    ),
    {
      type: 'log',
      width: 24,
      height: 6,
      properties: {
        title: 'Latest server errors',
        region: s.region,
        view: 'table',
        query: `SOURCE '${s.serverLogGroup}' | fields @timestamp, msg, err.message | filter level >= 50 | sort @timestamp desc | limit 20`,
      },
    },
  ];
  return JSON.stringify({ widgets });
}
