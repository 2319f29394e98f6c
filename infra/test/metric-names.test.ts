import { METRIC_NAMES } from '@chat/server/metric-names';
import { PUBLISHED_METRICS } from '../src/boot/cloudwatch-agent';
import { STACK_ORDER } from '../src/names';
import { synthAll } from './helpers';

/**
 * The server's metric names as the stacks write them (the agent's selectors, the dashboard, alarms): each is one the
 * server serves. The server's own test holds METRIC_NAMES to what /metrics serves, so a renamed metric fails here
 * instead of leaving a dashboard line or an alarm on a metric that never arrives.
 */
describe('server metric names in the stacks', () => {
  const served = new Set<string>(Object.values(METRIC_NAMES));

  test('the CloudWatch agent publishes only metrics the server serves', () => {
    for (const name of PUBLISHED_METRICS) expect(served).toContain(name);
  });

  test('every chat_ metric the synthesized stacks name is one the server serves', () => {
    const { json } = synthAll();
    const named = new Set(STACK_ORDER.flatMap((stack) => [...json[stack].matchAll(/chat_[a-z_]+/g)].map((m) => m[0])));
    expect(named.size).toBeGreaterThan(0);
    for (const name of named) expect(served).toContain(name);
  });
});
