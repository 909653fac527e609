// Everything an approver needs to judge one request: the exact command, what it may do and to what,
// why it was held, who has voted, and the files it uploads. Agent-supplied text is always escaped.
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';
import { Box, Text } from 'ink';
import { DetailField } from './detail-field.js';
import { EscapedText } from './escaped-text.js';
import { formatArgv } from './format-argv.js';
import { formatBytes } from '@aws-guard/shared/format-bytes';
import { formatDuration, msUntil, timeLeftText } from './format-duration.js';
import { looksLikeJson } from './preview-text.js';
import { riskColor } from './risk-color.js';
import { TextPreview } from './text-preview.js';

type Props = Readonly<{ request: ApprovalRequest; now: Date }>;

const ago = (iso: string, now: Date): string => {
  const ms = -msUntil(iso, now);
  return Number.isNaN(ms) ? '' : ` (${formatDuration(ms)} ago)`;
};

const expiresIn = (iso: string, now: Date): string => {
  const left = timeLeftText(msUntil(iso, now));
  return left === 'expired' ? left : `in ${left}`;
};

/** Inline JSON arguments (`--policy-document '{…}'`) deserve the same preview as files. */
const inlineJson = (argv: readonly string[]): { option: string; text: string }[] =>
  argv.flatMap((arg, i) => (looksLikeJson(arg) ? [{ option: argv[i - 1]?.startsWith('--') ? argv[i - 1]! : `argument ${i + 1}`, text: arg }] : []));

const List = ({ items, empty }: Readonly<{ items: readonly string[]; empty: string }>) =>
  items.length === 0 ? <Text dimColor>{empty}</Text> : <>{items.map((item, i) => <EscapedText key={i} text={item} />)}</>;

export const RequestDetail = ({ request: r, now }: Props) => {
  const s = r.summary;
  const json = inlineJson(r.argv);
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>
          <EscapedText text={r.id} />
        </Text>{' '}
        <Text color={riskColor(s.risk)} bold>
          [<EscapedText text={s.risk} />]
        </Text>{' '}
        <EscapedText text={`${s.service}:${s.operation}`} />
        {s.apiOperation !== null && <EscapedText text={` (${s.apiOperation})`} />}
        {s.region !== null && <EscapedText text={`  region ${s.region}`} />}
      </Text>
      <DetailField label="Requested by">
        <EscapedText text={`agent ${r.requester.agent} for ${r.requester.human} (session ${r.requester.sessionId})`} />
      </DetailField>
      <DetailField label="Command">
        <EscapedText segments={formatArgv(r.argv)} />
      </DetailField>
      <DetailField label="IAM actions">
        <List items={s.iamActions} empty="none known" />
      </DetailField>
      <DetailField label="Targets">
        <List items={s.targets} empty="none named in the parameters" />
      </DetailField>
      <DetailField label="Rule">
        <EscapedText text={r.rule.message === undefined ? r.rule.id : `${r.rule.id}: ${r.rule.message}`} />
      </DetailField>
      <DetailField label="Approvals">
        <Text>
          {`${r.approvals.length} of ${r.requiredApprovers}`}
          {r.approverGroup !== undefined && <EscapedText text={` (group ${r.approverGroup})`} />}
        </Text>
        {r.approvals.map((v, i) => (
          <EscapedText key={i} text={`✓ ${v.approver}${ago(v.at, now)}${v.reason === undefined ? '' : `: ${v.reason}`}`} />
        ))}
      </DetailField>
      <DetailField label="Files">
        {r.files.length === 0 && <Text dimColor>none</Text>}
        {r.files.map((f, i) => (
          <Box key={i} flexDirection="column">
            <EscapedText text={`${f.arg}  ${f.path}  ${formatBytes(f.bytes)}`} />
            {f.preview !== undefined && <TextPreview text={f.preview} />}
          </Box>
        ))}
      </DetailField>
      {json.map((j, i) => (
        <DetailField key={i} label={i === 0 ? 'Inline JSON' : ''}>
          <EscapedText text={j.option} />
          <TextPreview text={j.text} />
        </DetailField>
      ))}
      <DetailField label="Created">
        <EscapedText text={`${r.createdAt}${ago(r.createdAt, now)}`} />
      </DetailField>
      <DetailField label="Expires">
        <EscapedText text={`${r.expiresAt} (${expiresIn(r.expiresAt, now)})`} />
      </DetailField>
    </Box>
  );
};
