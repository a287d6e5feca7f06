/**
 * The token-bucket replay the reconcile-defaults suite uses to say which XR's breaker budget its
 * watch events spend (test/reconcile/measure.ts). Expected values are worked out by hand from
 * crossplane v2.4.0's internal/circuit/token_bucket.go: a full bucket of `burst` tokens, one token
 * per map call (two per MODIFIED), refilled per second, no charge while open within the cooldown.
 */
import { DEFAULT_BREAKER, replayBreaker, type Charge } from '../reconcile/measure.js';

const at = (t: number, tokens = 1, xr = 'PlatformStorage/p-storage', self = false): Charge => ({ t, xr, self, tokens });
const burst = (n: number, t: number, tokens = 1): Charge[] => Array.from({ length: n }, () => at(t, tokens));

test('100 single-token events at once empty the bucket without opening it; the 101st opens it', () => {
  expect(replayBreaker(burst(100, 0))[0]).toMatchObject({ composedEvents: 100, opensAfterMs: undefined });
  expect(replayBreaker(burst(101, 0))[0]!.opensAfterMs).toBe(0);
});

test('a MODIFIED costs two tokens: 50 fit, 51 open the breaker', () => {
  expect(replayBreaker(burst(50, 0, 2))[0]!.opensAfterMs).toBeUndefined();
  expect(replayBreaker(burst(51, 0, 2))[0]!.opensAfterMs).toBe(0);
});

test('the refill (1 token per second) lets the same events through when they are spread out', () => {
  // 100 at t=0 empty the bucket; 10 s later 10 tokens are back.
  expect(replayBreaker([...burst(100, 0), ...burst(10, 10_000)])[0]!.opensAfterMs).toBeUndefined();
  expect(replayBreaker([...burst(100, 0), ...burst(11, 10_000)])[0]!.opensAfterMs).toBe(10_000);
});

test('events of one XR do not spend another XR’s budget; an XR’s own events are counted apart', () => {
  const charges = [...burst(100, 0), at(0, 1, 'PaymentPlatform/p'), at(0, 2, 'PaymentPlatform/p', true)];
  const byXr = Object.fromEntries(replayBreaker(charges).map((x) => [x.xr, x]));
  expect(byXr['PlatformStorage/p-storage']).toMatchObject({ composedEvents: 100, selfEvents: 0, opensAfterMs: undefined });
  expect(byXr['PaymentPlatform/p']).toMatchObject({ composedEvents: 1, selfEvents: 1, opensAfterMs: undefined });
});

test('while open within the cooldown nothing is charged; after it the bucket, refilled, charges again', () => {
  const after = DEFAULT_BREAKER.cooldownMs;
  // Opens at 0; the 500 events within the cooldown charge nothing; 300 s later the bucket is full.
  expect(replayBreaker([...burst(101, 0), ...burst(500, 1000), ...burst(100, after)])[0]).toMatchObject({
    composedEvents: 701,
    opensAfterMs: 0,
    opens: 1,
  });
  // One more than the refilled bucket holds opens it a second time.
  expect(replayBreaker([...burst(101, 0), ...burst(101, after)])[0]!.opens).toBe(2);
});
