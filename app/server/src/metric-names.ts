/**
 * The names of the metrics the server serves at /metrics, defined once: metrics.ts registers them, and the stacks'
 * CloudWatch agent, dashboard and alarms name them (held to this list by their tests, and this list to what
 * /metrics serves by the server's).
 */
export const METRIC_NAMES = {
  accepted: 'chat_messages_accepted_total',
  stored: 'chat_messages_stored_total',
  broadcast: 'chat_messages_broadcast_total',
  refused: 'chat_messages_refused_total',
  ackSeconds: 'chat_ack_seconds',
  ackQuantiles: 'chat_ack_latency_seconds',
  storeSeconds: 'chat_store_seconds',
  receiveBatch: 'chat_queue_receive_batch_size',
  backendErrors: 'chat_backend_errors_total',
  socketsRefused: 'chat_sockets_refused_total',
  connectedSockets: 'chat_connected_sockets',
  rooms: 'chat_rooms',
  awsRequests: 'chat_aws_requests_total',
  dynamoUnits: 'chat_dynamodb_capacity_units_total',
} as const;

export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];
