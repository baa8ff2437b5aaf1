import { describe, expect, it } from 'vitest';
import { crashPageUrl, createCrashPolicy, createRestartPolicy, describeExit } from './crash-policy.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('crash policy', () => {
  it('reloads once, then shows the error page and keeps showing it', () => {
    const c = clock();
    const p = createCrashPolicy({ now: c.now });
    expect(p.onRenderGone({ reason: 'crashed', exitCode: 11 })).toMatchObject({ action: 'reload', report: { detail: expect.stringContaining('crashed (exit code 11)') } });
    c.advance(5_000);
    expect(p.onRenderGone({ reason: 'oom', exitCode: 0 })).toMatchObject({ action: 'error-page', report: { detail: expect.stringContaining('ran out of memory') } });
    expect(p.failed).toBe(true);
    // Even long after, a failed window is not reloaded again by itself.
    c.advance(10 * 60_000);
    expect(p.onRenderGone({ reason: 'crashed', exitCode: 11 }).action).toBe('error-page');
  });

  it('reloads again once the last reload is out of the window', () => {
    const c = clock();
    const p = createCrashPolicy({ now: c.now, windowMs: 60_000 });
    expect(p.onRenderGone({ reason: 'crashed', exitCode: 1 }).action).toBe('reload');
    c.advance(61_000);
    expect(p.onRenderGone({ reason: 'killed', exitCode: 9 }).action).toBe('reload');
  });

  it('ignores a clean exit and gives up at once on a renderer that cannot start', () => {
    const p = createCrashPolicy({ now: clock().now });
    expect(p.onRenderGone({ reason: 'clean-exit', exitCode: 0 })).toEqual({ action: 'ignore' });
    expect(p.onRenderGone({ reason: 'launch-failed', exitCode: 1 }).action).toBe('error-page');
  });

  it('starts over when the user opens the window again', () => {
    const c = clock();
    const p = createCrashPolicy({ now: c.now });
    p.onRenderGone({ reason: 'crashed', exitCode: 1 });
    p.onRenderGone({ reason: 'crashed', exitCode: 1 });
    expect(p.failed).toBe(true);
    p.onUserRetry();
    expect(p.failed).toBe(false);
    expect(p.onRenderGone({ reason: 'crashed', exitCode: 1 }).action).toBe('reload');
  });

  it('reports helper processes that die, naming them, and ignores clean exits', () => {
    const p = createCrashPolicy();
    expect(p.onChildGone({ type: 'GPU', reason: 'crashed', exitCode: 139 })).toEqual({
      action: 'report',
      report: { title: 'An OpenClaw helper process stopped (GPU)', detail: 'GPU process crashed (exit code 139)' },
    });
    expect(p.onChildGone({ type: 'Utility', reason: 'oom', exitCode: 1, name: 'Audio Service' }).action).toBe('report');
    expect(p.onChildGone({ type: 'Utility', reason: 'clean-exit', exitCode: 0 })).toEqual({ action: 'ignore' });
    // Helper deaths never count against the window's reloads.
    expect(p.onRenderGone({ reason: 'crashed', exitCode: 1 }).action).toBe('reload');
  });

  it('builds a static error page with the text escaped', () => {
    const url = crashPageUrl({ title: 'Stopped <b>', detail: 'exit "1" & <script>alert(1)</script>' });
    expect(url.startsWith('data:text/html;charset=utf-8,')).toBe(true);
    const html = decodeURIComponent(url.slice(url.indexOf(',') + 1));
    expect(html).toContain('Stopped &lt;b&gt;');
    expect(html).toContain('exit &quot;1&quot; &amp; &lt;script&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("default-src 'none'");
  });
});

describe('restart policy (the gateway host)', () => {
  it('restarts with a doubling wait, then gives up after the cap within the window', () => {
    const c = clock();
    const p = createRestartPolicy({ now: c.now, maxRestarts: 3, windowMs: 60_000, backoffMs: { min: 100, max: 250 } });
    expect(p.onUnexpectedExit()).toEqual({ action: 'restart', delayMs: 100, attempt: 1, maxRestarts: 3 });
    c.advance(1000);
    expect(p.onUnexpectedExit()).toMatchObject({ action: 'restart', delayMs: 200, attempt: 2 });
    c.advance(1000);
    // The wait is capped.
    expect(p.onUnexpectedExit()).toMatchObject({ action: 'restart', delayMs: 250, attempt: 3 });
    c.advance(1000);
    expect(p.onUnexpectedExit()).toEqual({ action: 'give-up', restarts: 3, windowMs: 60_000 });
    // Still within the window: still no restart.
    expect(p.onUnexpectedExit().action).toBe('give-up');
  });

  it('forgets restarts older than the window, and everything on reset', () => {
    const c = clock();
    const p = createRestartPolicy({ now: c.now, maxRestarts: 1, windowMs: 60_000, backoffMs: { min: 100, max: 1000 } });
    expect(p.onUnexpectedExit().action).toBe('restart');
    expect(p.onUnexpectedExit().action).toBe('give-up');
    c.advance(61_000);
    expect(p.onUnexpectedExit()).toMatchObject({ action: 'restart', delayMs: 100 });
    p.reset();
    expect(p.onUnexpectedExit()).toMatchObject({ action: 'restart', attempt: 1 });
  });

  it('says how a process ended in plain words', () => {
    expect(describeExit({ code: null, signal: 'SIGKILL' })).toBe('was killed (SIGKILL)');
    expect(describeExit({ code: 1 })).toBe('exited with code 1');
    expect(describeExit({ code: 0 })).toBe('exited normally');
  });
});
