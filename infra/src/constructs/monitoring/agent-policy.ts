import type { Statement } from '../policy';
import { SERVER_METRICS_NAMESPACE } from '../../boot/cloudwatch-agent';

/** Namespaces the agent publishes to: the server's metrics and the host's memory and disk. */
export const AGENT_NAMESPACES = [SERVER_METRICS_NAMESPACE, `${SERVER_METRICS_NAMESPACE}/Host`];

/**
 * Exactly what the CloudWatch agent does with our configuration (boot/cloudwatch-agent.ts): write log events
 * into the two log groups the stack creates, and put metrics into its own namespaces. PutMetricData has no
 * resource to scope to; the namespace condition is how it is narrowed.
 */
export function agentPolicyStatements(logGroupArns: string[]): Statement[] {
  return [
    {
      Sid: 'AgentLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      Resource: logGroupArns.flatMap((arn) => [arn, `${arn}:*`]),
    },
    {
      Sid: 'AgentMetrics',
      Effect: 'Allow',
      Action: 'cloudwatch:PutMetricData',
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': AGENT_NAMESPACES } },
    },
  ];
}
