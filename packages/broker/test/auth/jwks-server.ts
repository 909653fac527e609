// A JWKS endpoint on loopback for tests: serves the public halves of the keys it is told to publish, can rotate
// them, go down (HTTP 503 or a dropped connection) and come back, and counts the fetches it answered.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export type TestKey = Readonly<{ kid: string; alg: string; privateKey: CryptoKey; publicJwk: JWK }>;

export const makeKey = async (kid: string, alg: 'RS256' | 'ES256' | 'EdDSA' = 'RS256'): Promise<TestKey> => {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
};

export const signWith = (key: TestKey, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header }).sign(key.privateKey);

export type JwksServer = Readonly<{
  url: string;
  publish: (keys: readonly TestKey[]) => void;
  /** 'up' serves the keys; 'error' answers 503; 'drop' destroys the socket without an answer. */
  setState: (state: 'up' | 'error' | 'drop') => void;
  fetches: () => number;
  close: () => Promise<void>;
}>;

export const startJwksServer = async (initial: readonly TestKey[]): Promise<JwksServer> => {
  let keys = initial;
  let state: 'up' | 'error' | 'drop' = 'up';
  let count = 0;
  const server = createServer((req, res) => {
    if (state === 'drop') return req.socket.destroy();
    if (state === 'error') return res.writeHead(503).end('down for maintenance');
    count += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys.map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.freeze({
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    publish: (next: readonly TestKey[]) => void (keys = next),
    setState: (next: 'up' | 'error' | 'drop') => void (state = next),
    fetches: () => count,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  });
};
