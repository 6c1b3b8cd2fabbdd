import type { EntityStore } from '../entities/entity.store';
import type { ImportService } from '../entities/import/import.service';
import type { SecurityStore } from '../security/security.store';
import type { CredentialStore } from '../credentials/credential.store';
import type { Authenticator } from '../auth/authenticate';
import type { ErrorLogService } from '../errorlog/errorlog.service';
import type { CustomerService } from '../customers/customer.service';
import type { OffersAppliedService } from '../offers-applied/offers-applied.service';
import type { ResolverContext } from '../call/context';
import type { ResponseCache } from './response-cache';

/** The long-lived parts every request may use; one set per server instance. */
export interface Services {
  entities: EntityStore;
  imports: ImportService;
  security: SecurityStore;
  credentials: CredentialStore;
  authenticator: Authenticator;
  errorLog: ErrorLogService;
  customers: CustomerService;
  /** Whole tier/offer responses, in front of Apollo (graphql-handler.ts). */
  responseCache: ResponseCache;
  offersApplied: OffersAppliedService;
}

/** What every resolver receives (each one declares the slice of `services` it uses). */
export type RequestContext = ResolverContext<Services>;
