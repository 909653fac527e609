import t from 'tap';
import { parseAuditFilters, type AuditFilterOptions } from '../src/audit/audit-filters.js';
import { createRecordSelector } from '../src/audit/record-selector.js';
import { readAuditLines, auditDirOf, auditFilePath } from '@aws-guard/broker/audit/audit-files';
import { BASE, dataDirWith, tsOf } from './audit-export-log.fixture.js';

const NOW = new Date(BASE + 12 * 60_000);

t.test('parseAuditFilters reads times, durations, globs and decisions', async (t) => {
  const cases: ReadonlyArray<[string, AuditFilterOptions, Record<string, unknown>]> = [
    ['no filters', {}, {}],
    ['an ISO time', { since: '2026-11-26T12:05:00Z' }, { since: BASE + 5 * 60_000 }],
    ['a time with an offset', { until: '2026-11-26T13:05:00+01:00' }, { until: BASE + 5 * 60_000 }],
    ['a date alone is UTC midnight', { since: '2026-11-26' }, { since: Date.parse('2026-11-26T00:00:00Z') }],
    ['a duration counts back from now', { since: '3m' }, { since: NOW.getTime() - 3 * 60_000 }],
    ['a session id', { session: 'ses_1' }, { sessionId: 'ses_1' }],
    ['a decision', { decision: 'approve' }, { decision: 'approve' }],
  ];
  for (const [name, opts, expected] of cases) {
    const parsed = parseAuditFilters(opts, NOW);
    t.ok(parsed.ok, name);
    if (parsed.ok) t.same(parsed.value, expected, name);
  }
  const globs = parseAuditFilters({ agent: 'cl*', human: 'a?ice', type: 'command.*' }, NOW);
  t.ok(globs.ok && globs.value.agent?.test('claude') && !globs.value.agent.test('Claude'), 'agent glob, case-sensitive');
  t.ok(globs.ok && globs.value.human?.test('alice') && !globs.value.human.test('alicia'), 'human glob');
  t.ok(globs.ok && globs.value.type?.test('command.refused') && !globs.value.type.test('approval.denied'), 'type glob');
});

t.test('parseAuditFilters reports every problem at once', async (t) => {
  const cases: ReadonlyArray<[AuditFilterOptions, RegExp[]]> = [
    [{ since: 'yesterday', decision: 'maybe', agent: '' }, [/^--since: "yesterday" is neither/, /^--decision: "maybe" is not one of allow, deny, approve/, /^--agent: must not be empty/]],
    [{ since: '2026-11-26T12:00:00Z', until: '2026-11-26T11:00:00Z' }, [/--since .* must be before --until/]],
    [{ until: '2026-13-40T99:00:00Z', session: '' }, [/--until: .* is not a valid time/, /--session: must not be empty/]],
    [{ since: '0s' }, [/--since: "0s" is neither/]],
    [{ since: '2026-11-26T12:00' }, [/--since: .* is neither/]],
  ];
  for (const [opts, expected] of cases) {
    const parsed = parseAuditFilters(opts, NOW);
    t.notOk(parsed.ok, JSON.stringify(opts));
    if (parsed.ok) continue;
    t.equal(parsed.issue.code, 'AUDIT_USAGE');
    t.equal(parsed.issue.details?.length, expected.length, JSON.stringify(opts));
    expected.forEach((re, i) => t.match(parsed.issue.details?.[i], re));
  }
});

t.test('filters select records, joined to their command', async (t) => {
  const { dir } = await dataDirWith(t);
  const cases: ReadonlyArray<[string, AuditFilterOptions, number[]]> = [
    ['everything', {}, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]],
    ['one session', { session: 's2' }, [7, 8, 10, 11, 12]],
    ['an agent, including the approval of its command', { agent: 'codex' }, [7, 8, 9, 10, 11, 12]],
    ['an approver by name', { human: 'carol' }, [9]],
    ['a human glob', { human: 'a*' }, [2, 3, 4, 5, 6]],
    ['denied', { decision: 'deny' }, [6]],
    ['approved, from the approval on', { decision: 'approve' }, [10, 11, 12]],
    ['allowed, from the start on', { decision: 'allow' }, [3, 4]],
    ['a type glob', { type: 'command.re*' }, [2, 5, 6, 7]],
    ['a time window: since inclusive, until exclusive', { since: tsOf(5), until: tsOf(7) }, [5, 6]],
    ['a duration', { since: '3m' }, [9, 10, 11, 12]],
    ['filters combine', { agent: 'claude', type: 'command.executed' }, [4]],
  ];
  for (const [name, opts, expected] of cases) {
    const parsed = parseAuditFilters(opts, NOW);
    if (!parsed.ok) throw new Error(parsed.issue.message);
    const selector = createRecordSelector(parsed.value);
    const shown: number[] = [];
    for await (const line of readAuditLines(auditFilePath(auditDirOf(dir))).lines) {
      const selected = selector.select(line);
      if (selected.kind === 'shown') shown.push(selected.record.seq);
    }
    t.same(shown, expected, name);
  }
});

t.test('a line that is not a sound record is reported, not shown', async (t) => {
  const selector = createRecordSelector({});
  t.match(selector.select('not json'), { kind: 'bad', code: 'AUDIT_BAD_JSON' });
  t.match(selector.select('{"v":1,"seq":1}'), { kind: 'bad', code: 'AUDIT_BAD_RECORD', seq: 1 });
});
