// Test helper (not a test): a loopback STS that answers AssumeRole on the test's clock, so that expiry and refresh
// can be driven without waiting. It keeps every request and can act as a role with a MaxSessionDuration, or as an
// STS that hands out shorter sessions than asked for.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeStsOptions = {
  /** The clock Expiration is computed from (the test's, shared with the credential source). */
  now: () => Date;
  /** Refuse DurationSeconds above this, as STS does for a role's MaxSessionDuration. */
  maxSessionSeconds?: number;
  /** Answer with a session this many seconds long, whatever was asked. */
  answerSeconds?: number;
};

export type FakeSts = Readonly<{
  url: string;
  /** Every AssumeRole request's parameters, in order. */
  calls: URLSearchParams[];
  options: FakeStsOptions;
  close: () => Promise<void>;
}>;

const xml = (requestId: number, params: URLSearchParams, expiration: Date): string => `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIAFAKE${String(requestId).padStart(12, '0')}</AccessKeyId>
      <SecretAccessKey>fakeSecret${requestId}/abcdefghijklmnopqrstuvwxyz0123</SecretAccessKey>
      <SessionToken>fakeToken${requestId}</SessionToken>
      <Expiration>${expiration.toISOString()}</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROAFAKE:${params.get('RoleSessionName')}</AssumedRoleId>
      <Arn>${(params.get('RoleArn') ?? '').replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/${params.get('RoleSessionName')}</Arn>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>r-${requestId}</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;

const validationError = (message: string): string =>
  `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>${message}</Message></Error><RequestId>e-1</RequestId></ErrorResponse>`;

export const startFakeSts = async (options: FakeStsOptions): Promise<FakeSts> => {
  const calls: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      calls.push(params);
      const asked = Number(params.get('DurationSeconds') ?? 3600);
      if (options.maxSessionSeconds !== undefined && asked > options.maxSessionSeconds) {
        res.writeHead(400, { 'content-type': 'text/xml' });
        return res.end(validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'));
      }
      const seconds = options.answerSeconds ?? asked;
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(xml(calls.length, params, new Date(options.now().getTime() + seconds * 1000)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    options,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};
