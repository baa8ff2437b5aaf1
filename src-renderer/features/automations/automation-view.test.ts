import { describe, expect, it } from 'vitest';
import { describeSchedule, draftToParams, type JobDraft } from './automation-view.js';

const draft = (over: Partial<JobDraft>): JobDraft => ({ name: 'standup', kind: 'cron', when: '0 9 * * 1-5', tz: 'Europe/Berlin', message: 'What is on my calendar?', to: '', ...over });

describe('the add-automation form', () => {
  it('turns each schedule kind and target into cron.add params', () => {
    expect(draftToParams(draft({ to: 'telegram:123' }))).toEqual({
      params: { name: 'standup', schedule: { kind: 'cron', expr: '0 9 * * 1-5', tz: 'Europe/Berlin' }, payload: { kind: 'agentTurn', message: 'What is on my calendar?' }, delivery: { mode: 'announce', channel: 'telegram', to: '123' } },
    });
    expect(draftToParams(draft({ kind: 'every', when: '30m', to: 'last' }))).toMatchObject({ params: { schedule: { kind: 'every', everyMs: 1_800_000 }, delivery: { mode: 'announce', channel: 'last' } } });
    expect(draftToParams(draft({ kind: 'at', when: '2026-12-24T09:00' }))).toMatchObject({ params: { schedule: { kind: 'at', at: '2026-12-24T09:00' } } });
    expect((draftToParams(draft({})) as { params: object }).params).not.toHaveProperty('delivery');
  });

  it('says what is missing or wrong before anything is sent', () => {
    expect(draftToParams(draft({ name: ' ' }))).toEqual({ error: 'Give the job a name.' });
    expect(draftToParams(draft({ kind: 'every', when: 'soon' }))).toEqual({ error: '"soon" is not an interval (e.g. 30s, 30m, 1h30m, 2d).' });
    expect(draftToParams(draft({ to: '123' }))).toMatchObject({ error: expect.stringContaining('write the channel first') });
  });

  it('describes schedules in words', () => {
    expect(describeSchedule({ kind: 'every', everyMs: 5_400_000 })).toBe('every 1h30m');
    expect(describeSchedule({ kind: 'cron', expr: '0 9 * * 1-5', tz: 'Europe/Berlin' })).toBe('cron 0 9 * * 1-5 (Europe/Berlin)');
  });
});
