import t from 'tap';
import { createHash } from 'node:crypto';
import { castEventLine, castFileName, castHeader, promptLine, shellQuote, toTerminalNewlines } from '@aws-guard/broker/recording/cast-format';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

t.test('the command line is shown as typed, quoted where a shell needs it', async (t) => {
  const cases: [readonly string[], string][] = [
    [['s3', 'ls'], '$ aws s3 ls\r\n'],
    [['s3', 'ls', 's3://my bucket/'], "$ aws s3 ls 's3://my bucket/'\r\n"],
    [['ec2', 'describe-instances', '--query', "Reservations[].Instances[?State.Name=='running']"], "$ aws ec2 describe-instances --query 'Reservations[].Instances[?State.Name=='\\''running'\\'']'\r\n"],
    [['sns', 'publish', '--message', ''], "$ aws sns publish --message ''\r\n"],
    [['sns', 'publish', '--message', 'two\nlines'], "$ aws sns publish --message 'two\r\nlines'\r\n"],
    [['s3', 'cp', 'a.txt', 's3://b/k=1,x@y:z'], '$ aws s3 cp a.txt s3://b/k=1,x@y:z\r\n'],
  ];
  for (const [argv, shown] of cases) t.equal(promptLine(argv), shown, argv.join(' '));
  t.equal(shellQuote('$HOME'), "'$HOME'");
});

t.test('newlines become what a terminal shows, without doubling existing CRs', async (t) => {
  const cases: [string, string][] = [
    ['a\nb\n', 'a\r\nb\r\n'],
    ['a\r\nb', 'a\r\nb'],
    ['progress 10%\rprogress 20%\r', 'progress 10%\rprogress 20%\r'],
    ['', ''],
  ];
  for (const [input, shown] of cases) t.equal(toTerminalNewlines(input), shown, JSON.stringify(input));
});

t.test('session ids map to file names that stay in the directory and never collide', async (t) => {
  const cases: [string, string][] = [
    ['ses_0123456789abcdef0123', 'ses_0123456789abcdef0123.cast'],
    ['../../etc/passwd', '%2E%2E%2F%2E%2E%2Fetc%2Fpasswd.cast'],
    ['a.b', 'a%2Eb.cast'],
    ['é', '%C3%A9.cast'],
    ['x'.repeat(201), `%sha256-${sha('x'.repeat(201))}.cast`],
    ['/'.repeat(100), `%sha256-${sha('/'.repeat(100))}.cast`],
  ];
  for (const [id, name] of cases) t.equal(castFileName(id, sha), name, id.slice(0, 20));
  const names = new Set(['a.b', 'a%2Eb', 'a_b', 'a-b'].map((id) => castFileName(id, sha)));
  t.equal(names.size, 4, 'ids that look alike once encoded keep distinct files');
});

t.test('the header and events are asciicast v2', async (t) => {
  t.same(castHeader({ columns: undefined, startMs: 1_700_000_000_999, agent: 'claude', human: 'alice' }), {
    version: 2, width: 80, height: 24, timestamp: 1_700_000_000, title: 'claude for alice', env: { TERM: 'xterm-256color', SHELL: '/bin/sh' },
  });
  t.equal(castHeader({ columns: 132, startMs: 0, agent: 'a', human: 'h' }).width, 132);
  t.equal(castEventLine(1.23456789, 'o', 'hi\r\n'), '[1.234568,"o","hi\\r\\n"]\n');
  t.equal(castEventLine(0, 'm', 'approval: waiting'), '[0,"m","approval: waiting"]\n');
});
