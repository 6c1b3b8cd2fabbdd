import type { App } from '../src/app/create-app';
import type { RawRequest } from '../src/common/raw-request';
import { authorize } from '../src/auth/authorize';
import { ApiEndpoint } from '../src/security/api-endpoint';
import { antavoEscherConfig } from '../src/escher';
import { signRequest } from '../test/support/signers/escher-signer';

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

function perCall(run: () => void, calls = 20_000, repeats = 5): number {
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) run();
    samples.push(Number(process.hrtime.bigint() - started) / 1000 / calls);
  }
  return median(samples);
}

export function benchRequests(opts: { clientKey: string; clientSecret: string; host: string; body: string }) {
  const plain: RawRequest = {
    method: 'POST',
    url: '/graphql',
    path: '/graphql',
    search: '',
    headers: { host: opts.host, 'content-type': 'application/json', 'x-api-key': opts.clientKey },
    body: Buffer.from(opts.body),
    socketAddress: '127.0.0.1',
  };
  const signedHeaders = signRequest({
    method: 'POST',
    url: '/graphql',
    headers: { host: opts.host, 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.50' },
    body: opts.body,
    key: opts.clientKey,
    secret: opts.clientSecret,
    config: antavoEscherConfig('local'),
  });
  return { plain, signed: { ...plain, headers: signedHeaders as RawRequest['headers'] } };
}

/**
 * The authentication step alone (credential, signature, client address, endpoint rules)
 * on one realistic request, in microseconds; the security settings in force are the app's.
 */
export function authCost(app: App, raw: RawRequest): number {
  const { authenticator, security } = app.services;
  const access = [{ endpoint: ApiEndpoint.ENTITIES }];
  return perCall(() => {
    const auth = authenticator.authenticate(raw);
    if (authorize(auth, access, security)) throw new Error('bench request refused');
  });
}
