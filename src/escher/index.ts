// Escher signature verification as the server uses it: the Antavo dialect, routing, verifying.
export type {
  EscherConfig,
  EscherFailureCode,
  EscherHashAlgo,
  EscherHeaders,
  EscherRequest,
  VerifyOptions,
  VerifyResult,
} from './types';
export { antavoEscherConfig } from './config';
export { parseEscherDate } from './date';
export { verifySignedRequest } from './verify';
export { hasEscherAuthorization } from './detect';
