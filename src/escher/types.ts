/** Hash algorithms Escher allows; anything else is refused before any HMAC work is done. */
export type EscherHashAlgo = 'SHA256' | 'SHA512';

/**
 * Names that turn the generic Escher/AWS-SigV4 scheme into one concrete dialect
 * (e.g. Antavo: `ANTAVO-HMAC-SHA256`, `X-Antavo-*` presign parameters, `Authorization`/`Date`).
 */
export interface EscherConfig {
  /** Prefix of the algorithm token (`<prefix>-HMAC-<hash>`) and of the signing-key seed. */
  algoPrefix: string;
  /**
   * The verifier reads neither of these two (the hash comes from the request, and presigned
   * URLs, named `X-<vendorKey>-...`, are not accepted); signers need them.
   */
  vendorKey: string;
  hashAlgo: EscherHashAlgo;
  /** Everything after `<key>/<YYYYMMDD>/` in the Credential, e.g. `eu/api/antavo_request`. */
  credentialScope: string;
  authHeaderName: string;
  dateHeaderName: string;
}

/** Node `IncomingMessage.headers` / `headersDistinct` shape: lower-case names. */
export type EscherHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface EscherRequest {
  method: string;
  /** Request target exactly as received: path + optional query (origin-form). */
  url: string;
  headers: EscherHeaders;
  /** Raw body bytes as received; hashed as-is (an empty Buffer when there is no body). */
  body: Buffer;
}

export interface VerifyOptions {
  config: EscherConfig;
  /** Accepted distance between the signed date and `now`, in seconds (Escher default: 300). */
  clockSkewSeconds: number;
  now: Date;
  /** Synchronous on purpose: called once per request after all cheap checks have passed. */
  lookupSecret: (apiKey: string) => string | undefined;
  /**
   * Headers (besides host and the date header) that every accepted request must sign. The
   * server needs none; Escher's authenticate() has the option, and its test vectors use it.
   */
  mandatorySignedHeaders?: readonly string[];
}

/** Stable, machine-readable failure category; `reason` carries the human-readable detail. */
export type EscherFailureCode =
  | 'invalid_request'
  | 'missing_auth_header'
  | 'malformed_auth_header'
  | 'wrong_algorithm'
  | 'wrong_credential_scope'
  | 'header_not_signed'
  | 'date_missing'
  | 'date_unparseable'
  | 'date_credential_mismatch'
  | 'date_out_of_skew'
  | 'signed_header_missing'
  | 'unknown_key'
  | 'signature_mismatch';

export type VerifyResult = { ok: true; apiKey: string } | { ok: false; apiKey?: string; code: EscherFailureCode; reason: string };
