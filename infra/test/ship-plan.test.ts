import { shipPlan } from '../src/deploy/ship-plan';
import { parse, synthAll } from './helpers';

/** The compute stack's outputs as `npm run deploy` collects them (names → values; terraform's expressions here). */
const computeOutputs = (overrides: Parameters<typeof synthAll>[0]) =>
  Object.fromEntries(
    Object.entries(parse(synthAll(overrides).json.compute).output ?? {}).map(([k, v]) => [k, String((v as { value: unknown }).value)]),
  );

describe('npm run deploy ships', () => {
  test('one instance (the default): ship-server.sh to INSTANCE_ID', () => {
    const outputs = computeOutputs({});
    expect(outputs.SERVER_GROUP).toBeUndefined();
    expect(shipPlan(outputs)).toEqual({
      script: 'release/ci/ship-server.sh',
      target: outputs.INSTANCE_ID,
      env: { ARTIFACT_BUCKET: outputs.ARTIFACT_BUCKET, RELEASE_PARAMETER: outputs.RELEASE_PARAMETER, INSTANCE_ID: outputs.INSTANCE_ID },
    });
  });

  test('CHAT_INSTANCES=2: no INSTANCE_ID but a SERVER_GROUP, so the rolling release through the group', () => {
    const outputs = computeOutputs({ chatInstances: 2 });
    expect(outputs.INSTANCE_ID).toBeUndefined();
    expect(outputs.RELEASE_PARAMETER).toBeDefined();
    const plan = shipPlan(outputs);
    expect(plan.script).toBe('release/ci/roll-release.sh');
    expect(plan.env).toEqual({
      ARTIFACT_BUCKET: outputs.ARTIFACT_BUCKET,
      RELEASE_PARAMETER: outputs.RELEASE_PARAMETER,
      SERVER_GROUP: outputs.SERVER_GROUP,
    });
    expect(plan.target).toContain(outputs.SERVER_GROUP);
  });

  test('neither output: a clear error instead of shipping nowhere', () => {
    expect(() => shipPlan({ ARTIFACT_BUCKET: 'b', RELEASE_PARAMETER: '/chat/prod/release' })).toThrow(
      /neither an INSTANCE_ID nor a SERVER_GROUP/,
    );
  });
});
