/**
 * function-payments-readiness's rules (src/function/readiness.ts), and the response its server
 * builds from a request (src/function/main.ts's runFunction), with hand-written requests.
 */
import {
  compositeReady,
  INPUT_API_VERSION,
  INPUT_KIND,
  parseInput,
  READY_FALSE,
  READY_TRUE,
  READY_UNSPECIFIED,
  releasedStatus,
} from '../../src/function/readiness.js';
import { runFunction } from '../../src/function/response.js';

const input = (o: Record<string, unknown> = {}) => ({ apiVersion: INPUT_API_VERSION, kind: INPUT_KIND, ...o });
const ready = (...pairs: [string, boolean][]) => new Map(pairs.map(([n, r]) => [n, { ready: r }]));

describe('compositeReady', () => {
  test('ready when every desired resource is ready and nothing is expected', () => {
    expect(compositeReady(ready(['a', true], ['b', true]))).toBe(true);
  });
  test('not ready while one desired resource is not', () => {
    expect(compositeReady(ready(['a', true], ['b', false]))).toBe(false);
  });
  test('not ready while an expected resource is not desired yet (held back by a Required input)', () => {
    expect(compositeReady(ready(['a', true]), ['a', 'b'])).toBe(false);
    expect(compositeReady(ready(['a', true], ['b', true]), ['a', 'b'])).toBe(true);
  });
  test('nothing desired and nothing expected is ready, as Crossplane makes an XR that composes nothing', () => {
    expect(compositeReady(ready())).toBe(true);
  });
});

describe('releasedStatus', () => {
  const desired = { vpcId: 'vpc-1', alarmsKeyArn: 'arn:k', subnetIds: ['s1'] };
  test('while not ready, held fields the observed status lacks are left out; others pass', () => {
    expect(releasedStatus(desired, {}, ['vpcId', 'subnetIds'], false)).toEqual({ alarmsKeyArn: 'arn:k' });
  });
  test('a held field the observed status has is never withdrawn (the XR became unready again)', () => {
    expect(releasedStatus(desired, { vpcId: 'vpc-0' }, ['vpcId', 'subnetIds'], false)).toEqual({
      vpcId: 'vpc-1',
      alarmsKeyArn: 'arn:k',
    });
  });
  test('once ready everything passes, and the input object is not changed', () => {
    expect(releasedStatus(desired, undefined, ['vpcId', 'subnetIds'], true)).toEqual(desired);
    expect(desired).toEqual({ vpcId: 'vpc-1', alarmsKeyArn: 'arn:k', subnetIds: ['s1'] });
  });
});

describe('parseInput', () => {
  test('no input: nothing expected, nothing held', () => {
    expect(parseInput(undefined)).toEqual({ expectedResources: [], holdUntilReady: [] });
  });
  test('reads both lists', () => {
    expect(parseInput(input({ expectedResources: ['a'], holdUntilReady: ['vpcId'] }))).toEqual({
      expectedResources: ['a'],
      holdUntilReady: ['vpcId'],
    });
  });
  test.each([
    [{ apiVersion: 'v1', kind: INPUT_KIND }, /must be apiVersion readiness\.fn\.platform\.payments\.io\/v1alpha1/],
    [input({ expectedResources: 'a' }), /input\.expectedResources must be a list of non-empty strings/],
    [input({ holdUntilReady: [''] }), /input\.holdUntilReady must be a list of non-empty strings/],
    [input({ holdUntilRedy: ['a'] }), /unknown fields: holdUntilRedy/],
    [[1], /input must be an object/],
  ])('refuses %j', (bad, message) => {
    expect(() => parseInput(bad)).toThrow(message);
  });
});

describe('runFunction (the server’s response)', () => {
  const request = (over: { resources?: Record<string, number>; input?: unknown; observedStatus?: Record<string, unknown> }) =>
    ({
      meta: { tag: 't1', capabilities: [] },
      observed: {
        composite: {
          resource: { apiVersion: 'x/v1', kind: 'X', status: over.observedStatus ?? {} },
          connectionDetails: {},
          ready: 0,
        },
        resources: {},
      },
      desired: {
        composite: {
          resource: { apiVersion: 'x/v1', kind: 'X', status: { vpcId: 'vpc-1', alarmsKeyArn: 'arn:k' } },
          connectionDetails: {},
          ready: 0,
        },
        resources: Object.fromEntries(
          Object.entries(over.resources ?? {}).map(([n, r]) => [
            n,
            { resource: { apiVersion: 'v1', kind: 'ConfigMap' }, connectionDetails: {}, ready: r },
          ]),
        ),
      },
      input: over.input,
      context: { k: 'v' },
      extraResources: {},
      credentials: {},
      requiredResources: {},
      requiredSchemas: {},
    }) as unknown as Parameters<typeof runFunction>[0];

  test('not ready: READY_FALSE, held outputs left out, the rest passed through with tag and context', () => {
    const rsp = runFunction(
      request({ resources: { a: READY_TRUE, b: READY_UNSPECIFIED }, input: input({ holdUntilReady: ['vpcId'] }) }),
    );
    expect(rsp.desired?.composite?.ready).toBe(READY_FALSE);
    expect(rsp.desired?.composite?.resource).toEqual({ apiVersion: 'x/v1', kind: 'X', status: { alarmsKeyArn: 'arn:k' } });
    expect(Object.keys(rsp.desired?.resources ?? {})).toEqual(['a', 'b']);
    expect(rsp.meta?.tag).toBe('t1');
    expect(rsp.context).toEqual({ k: 'v' });
    expect(rsp.results).toEqual([]);
  });

  test('ready: READY_TRUE and every output', () => {
    const rsp = runFunction(
      request({ resources: { a: READY_TRUE }, input: input({ expectedResources: ['a'], holdUntilReady: ['vpcId'] }) }),
    );
    expect(rsp.desired?.composite?.ready).toBe(READY_TRUE);
    expect((rsp.desired?.composite?.resource as { status: unknown }).status).toEqual({ vpcId: 'vpc-1', alarmsKeyArn: 'arn:k' });
  });

  test('an expected resource missing keeps it not ready', () => {
    const rsp = runFunction(request({ resources: { a: READY_TRUE }, input: input({ expectedResources: ['a', 'gated'] }) }));
    expect(rsp.desired?.composite?.ready).toBe(READY_FALSE);
  });

  test('a bad input is a fatal result, not a crash', () => {
    const rsp = runFunction(request({ input: input({ expectedResources: 3 }) }));
    expect(rsp.results).toHaveLength(1);
    expect(rsp.results[0]).toMatchObject({ message: expect.stringMatching(/^invalid input: input\.expectedResources must be/) });
  });
});
