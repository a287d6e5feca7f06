import { backoffDelay } from '../../src/operator/backoff.js';
import { PermanentError, WorkQueue } from '../../src/operator/queue.js';

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('backoff', () => {
  test('doubles from the base up to the cap, with bounded jitter', () => {
    const opts = { baseMs: 100, maxMs: 1000, jitter: 0 };
    expect([1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n, opts))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(1, { baseMs: 100, maxMs: 1000, jitter: 0.1 }, () => 1)).toBe(110);
  });
});

describe('work queue keyed by object', () => {
  test('a key queued many times is processed once; different keys run concurrently up to the workers', async () => {
    const seen: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const q = new WorkQueue(
      async (k) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await tick(5);
        seen.push(k);
        inFlight--;
      },
      { workers: 2, baseMs: 10, maxMs: 100 },
    );
    for (let i = 0; i < 100; i++) q.add(`k${i % 4}`);
    q.start();
    await q.whenIdle();
    expect(seen.sort()).toEqual(['k0', 'k1', 'k2', 'k3']);
    expect(maxInFlight).toBe(2);
  });

  test('a key added while processed is processed again afterwards, never twice at once', async () => {
    let running = 0;
    let overlap = false;
    let calls = 0;
    const q = new WorkQueue(
      async () => {
        running++;
        if (running > 1) overlap = true;
        calls++;
        await tick(10);
        running--;
      },
      { workers: 4, baseMs: 10, maxMs: 100 },
    );
    q.start();
    q.add('a');
    await tick(2);
    q.add('a');
    q.add('a');
    await tick(50);
    await q.whenIdle();
    expect(overlap).toBe(false);
    expect(calls).toBe(2);
  });

  test('failures retry with exponential backoff; success forgets; permanent errors are not retried', async () => {
    const times: number[] = [];
    let failuresLeft = 3;
    const done: { key: string; retryInMs: number | undefined }[] = [];
    const q = new WorkQueue(
      async (k) => {
        if (k === 'perm') throw new PermanentError('malformed');
        times.push(Date.now());
        if (failuresLeft-- > 0) throw new Error('transient');
      },
      {
        workers: 1,
        baseMs: 20,
        maxMs: 1000,
        jitter: 0,
        hooks: { onDone: (key, _s, _e, retryInMs) => done.push({ key, retryInMs }) },
      },
    );
    q.start();
    q.add('t');
    q.add('perm');
    await tick(400);
    expect(times).toHaveLength(4);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
    expect(gaps[2]).toBeGreaterThanOrEqual(78);
    expect(done.filter((d) => d.key === 'perm')).toEqual([{ key: 'perm', retryInMs: undefined }]);
    expect(done.filter((d) => d.key === 't').map((d) => d.retryInMs)).toEqual([20, 40, 80, undefined]);
  });

  test('drain finishes queued work, refuses new keys and cancels delayed retries', async () => {
    const seen: string[] = [];
    const q = new WorkQueue(
      async (k) => {
        await tick(5);
        seen.push(k);
        if (k === 'fail') throw new Error('x');
      },
      { workers: 1, baseMs: 10_000, maxMs: 10_000 },
    );
    q.start();
    ['a', 'b', 'fail', 'c'].forEach((k) => q.add(k));
    const drained = q.drain(1000);
    q.add('late');
    expect(await drained).toBe(true);
    expect(seen).toEqual(['a', 'b', 'fail', 'c']);
  });

  test('drain gives up after the timeout', async () => {
    const q = new WorkQueue(() => tick(200), { workers: 1, baseMs: 1, maxMs: 1 });
    q.start();
    q.add('slow');
    expect(await q.drain(20)).toBe(false);
  });
});
