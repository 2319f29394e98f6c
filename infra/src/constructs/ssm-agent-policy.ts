import type { Statement } from './policy';

/**
 * What the SSM agent on the instance needs for Session Manager (a shell without SSH) and Run Command (how the
 * pipeline releases), instead of the managed AmazonSSMManagedInstanceCore, which also allows ssm:GetParameter(s) on
 * every parameter of the account, documents, associations, inventory and patching. AWS documents the Session
 * Manager minimum ("Create a custom IAM instance profile for Session Manager": ssm:UpdateInstanceInformation and the
 * four ssmmessages channel calls) and the agent's message calls ("Reference: ec2messages, ssmmessages, and other API
 * operations": Run Command's documents arrive through ssmmessages, or ec2messages where that is not allowed). None
 * of these has a resource to scope to.
 */
export const SSM_AGENT_ACTIONS = {
  sessionManager: [
    'ssm:UpdateInstanceInformation',
    'ssmmessages:CreateControlChannel',
    'ssmmessages:CreateDataChannel',
    'ssmmessages:OpenControlChannel',
    'ssmmessages:OpenDataChannel',
  ],
  runCommand: [
    'ec2messages:AcknowledgeMessage',
    'ec2messages:DeleteMessage',
    'ec2messages:FailMessage',
    'ec2messages:GetEndpoint',
    'ec2messages:GetMessages',
    'ec2messages:SendReply',
  ],
} as const;

export function ssmAgentStatements(): Statement[] {
  return [
    { Sid: 'SessionManager', Effect: 'Allow', Action: [...SSM_AGENT_ACTIONS.sessionManager], Resource: '*' },
    { Sid: 'RunCommand', Effect: 'Allow', Action: [...SSM_AGENT_ACTIONS.runCommand], Resource: '*' },
  ];
}
