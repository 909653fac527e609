// `--output text` of a paginated operation, from the merged result taken as one page: the result keys the page
// lacks print as None, and a --max-items resume token comes last, both through the query (real-cli.test.ts
// checks these against the real CLI).
import t from 'tap';
import { compileQuery } from '@aws-guard/broker/output/apply-query';
import { parseCliJson } from '@aws-guard/broker/output/parse-cli-json';
import { renderPagedText, type Paginator } from '@aws-guard/broker/output/render-text-pages';

const LIST_OBJECTS: Paginator = { resultKeys: ['Contents', 'CommonPrefixes'], nonAggregateKeys: ['RequestCharged', 'Prefix'] };
const MERGED = parseCliJson('{"Contents": [{"Key": "dir/a", "Size": 2}], "RequestCharged": null, "Prefix": "", "NextToken": "tok"}');
const query = (q: string) => {
  const compiled = compileQuery(q);
  if (!compiled.ok) throw new Error(compiled.issue.message);
  return compiled.value;
};

t.test('a missing result key prints None, as the page the CLI formats has it', async (t) => {
  t.same(renderPagedText(MERGED, undefined, LIST_OBJECTS), { ok: true, value: 'None\t\tNone\nCONTENTS\tdir/a\t2\nNEXTTOKEN\ttok\n' });
});

t.test('the query runs on the page and again on the resume token', async (t) => {
  t.same(renderPagedText(MERGED, query('Contents[].Key'), LIST_OBJECTS), { ok: true, value: 'dir/a\nNone\n' });
});

t.test('nested result keys are set as botocore sets them', async (t) => {
  const merged = parseCliJson('{"DistributionList": {"Items": [{"Id": "E1"}], "Quantity": 1}}');
  const paginator: Paginator = { resultKeys: ['DistributionList.Items'], nonAggregateKeys: [] };
  t.same(renderPagedText(merged, undefined, paginator), { ok: true, value: 'ITEMS\tE1\n' });
});

t.test('a query failing on the token part keeps what the page printed', async (t) => {
  const failed = renderPagedText(MERGED, query('Contents[0].Key | length(@)'), LIST_OBJECTS);
  t.notOk(failed.ok);
  if (!failed.ok) t.same([failed.issue.stdout, failed.issue.exitCode], ['5\n', 255]);
});
