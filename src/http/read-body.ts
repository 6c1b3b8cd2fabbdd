import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body is larger than the limit of ${limit} bytes`);
  }
}

/** The client went away before its body arrived: nothing to answer, nothing to blame. */
export class ClientAbortedError extends Error {
  constructor() {
    super('client closed the connection before the request body was complete');
  }
}

/**
 * Reads the raw body bytes (the signature covers them exactly), refusing early on a
 * declared Content-Length over the limit and, for chunked bodies, as soon as the limit is
 * passed. The rest of an oversized body is drained, not buffered.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new BodyTooLargeError(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      reject(err);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        fail(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    // An abort surfaces as 'error' (ECONNRESET "aborted") or only as 'close' before 'end'.
    req.on('error', () => fail(new ClientAbortedError()));
    req.on('close', () => {
      if (!req.complete) fail(new ClientAbortedError());
    });
  });
}
