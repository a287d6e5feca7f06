/** The one duration syntax (src/util/duration.ts), as the CLI and the operator both parse it. */
import { DurationError, formatDuration, parseDuration } from '../../src/util/duration.js';
import { loadConfig, SETTINGS, usage } from '../../src/operator/config.js';
import { cli } from './cli-harness.js';

describe('parseDuration: Go-style durations in milliseconds', () => {
  test.each([
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['1h', 3_600_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['1.5m', 90_000],
    ['2m30s500ms', 150_500],
    ['0', 0],
    [' 15s ', 15_000],
  ])('%j = %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each(['', 's', 'm', '10x', '5m later', '-1s', '1d', '10 s', '1h30', 'ms'])('%j is refused', (text) => {
    expect(() => parseDuration(text)).toThrow(DurationError);
    expect(() => parseDuration(text)).toThrow(`"${text}" is not a duration with a unit, such as 30s, 10m, 1h30m or 500ms`);
  });

  test.each(['90', '1.5', '15'])('a bare number %j is refused with both readings offered', (text) => {
    expect(() => parseDuration(text)).toThrow(`"${text}" has no unit: write ${text}s for seconds or ${text}ms for milliseconds`);
  });

  test.each([
    [0, '0s'],
    [500, '500ms'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
    [3_723_004, '1h2m3s4ms'],
  ])('formatDuration(%d) = %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('the same meaning in the CLI and in the operator', () => {
  test('"90" is refused by both, naming the flag', async () => {
    expect(() => loadConfig(['--hot-loop-window=90'], {})).toThrow(
      `option '--hot-loop-window <duration>' argument '90' is invalid. "90" has no unit`,
    );
    const r = await cli(['status', 'x', '--watch', '--timeout', '90']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`option '--timeout <duration>' argument '90' is invalid. "90" has no unit`);
  });

  test('the operator takes 1h30m (it refused it before) and 1.5s', () => {
    const c = loadConfig(['--hot-loop-window=1h30m', '--backoff-base', '1.5s'], {});
    expect(c.hotLoopWindowMs).toBe(5_400_000);
    expect(c.backoffBaseMs).toBe(1500);
  });

  test('a switch takes no value, =true or =false (the chart passes --hot-loop-pause=false)', () => {
    expect(loadConfig(['--hot-loop-pause'], {}).hotLoopPause).toBe(true);
    expect(loadConfig(['--hot-loop-pause=false'], {}).hotLoopPause).toBe(false);
    expect(loadConfig(['--leader-elect=false'], {}).leaderElect).toBe(false);
    expect(loadConfig([], {}).leaderElect).toBe(true);
    expect(() => loadConfig(['--hot-loop-pause=maybe'], {})).toThrow('must be true or false');
  });

  test('defaults are the documented ones', () => {
    const c = loadConfig([], {});
    expect([c.leaseDurationMs, c.renewDeadlineMs, c.retryPeriodMs]).toEqual([15_000, 10_000, 2000]);
    expect([c.backoffBaseMs, c.backoffMaxMs, c.hotLoopWindowMs, c.shutdownTimeoutMs]).toEqual([200, 300_000, 60_000, 20_000]);
  });

  test('the help is generated from the settings: every flag, its variable and its default', () => {
    const help = usage().replace(/\s+/g, ' ');
    for (const s of Object.values(SETTINGS)) {
      expect(help).toContain(`--${s.flag}`);
      if (s.def !== '') expect(help).toContain(`(default: ${s.def})`);
    }
    expect(help).toContain('--lease-duration <duration>');
    expect(help).toContain('env PP_OPERATOR_LEASE_DURATION');
  });
});
