export type {
  EscherConfig,
  EscherFailureCode,
  EscherHashAlgo,
  EscherHeaders,
  EscherRequest,
  VerifyOptions,
  VerifyResult,
} from './types';
export {
  antavoEscherConfig,
  completeEscherConfig,
  ESCHER_DEFAULT_CLOCK_SKEW_SECONDS,
  ESCHER_DEFAULT_CONFIG,
  isSupportedHashAlgo,
  SUPPORTED_HASH_ALGOS,
} from './config';
export { parseEscherDate, toLongDate, toRfc1123, toShortDate } from './date';
export { clearSigningKeyCache, verifySignedRequest } from './verify';
export { hasEscherAuthorization } from './detect';
export { signEscherRequest, type SignEscherRequestInput, type SignEscherRequestResult } from './sign';
