import type { IncomingHttpHeaders } from 'node:http';

/** A request as received, body bytes included: what authentication and the error log see. */
export interface RawRequest {
  method: string;
  /** Path and query exactly as received (the signature covers them). */
  url: string;
  path: string;
  /** The query string without `?`. */
  search: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  socketAddress: string | undefined;
}
