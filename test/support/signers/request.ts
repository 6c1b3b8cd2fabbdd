/** What both test signers take: a request as it will be sent, and the credential to sign it with. */
export type SignerHeaders = Readonly<Record<string, string | number | readonly string[] | undefined>>;

export interface RequestToSign {
  method: string;
  /** Path and query, as it will be sent. */
  url: string;
  headers: SignerHeaders;
  body: string | Buffer;
  key: string;
  secret: string;
  /** Signed in addition to host and the date header. */
  headersToSign?: readonly string[];
}
