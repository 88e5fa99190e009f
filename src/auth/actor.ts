/** Who is calling: every credential resolves to one org-scoped actor. */
import { FlowyteError } from '../errors.ts';
import type { CredentialStore } from '../store/credentials.ts';
import { SECRET_KEY_SCOPES, type Scope } from './scopes.ts';
import { tokenKind } from './tokens.ts';

/** Audit vocabulary: a user (dashboard session), an API key, a widget visitor, or the system. */
export type ActorType = 'user' | 'api_key' | 'visitor' | 'system';

export interface Actor {
  type: ActorType;
  /** The user, API key or publishable key id. */
  id: string;
  orgId: string;
  /** Dashboard sessions only: the session the request came with (absent when code acts as a user directly). */
  sessionId?: string;
  scopes: ReadonlySet<Scope>;
  /** Publishable keys only: the agent the key is pinned to and the origins it may be used from. */
  agentId?: string;
  allowedOrigins?: string[];
  /** Publishable keys only: the key's own requests-per-minute limit, if set. */
  rateLimitRpm?: number;
}

const ALL_SCOPES: ReadonlySet<Scope> = new Set(SECRET_KEY_SCOPES);

/** Resolve an `Authorization: Bearer …` header to an actor, or fail with 401. */
export function resolveActor(credentials: CredentialStore, authorization: string | undefined | null): Actor {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) throw new FlowyteError('unauthorized', 'send your key as "Authorization: Bearer flowyte_sk_…"');
  const token = match[1];
  switch (tokenKind(token)) {
    case 'secretKey': {
      const key = credentials.findApiKey(token);
      if (key) {
        credentials.recordUse('key', key.id);
        return { type: 'api_key', id: key.id, orgId: key.orgId, scopes: new Set(key.scopes) };
      }
      break;
    }
    case 'session': {
      const session = credentials.findSession(token);
      if (session) {
        credentials.recordUse('session', session.id);
        return { type: 'user', id: session.userId, orgId: session.orgId, sessionId: session.id, scopes: ALL_SCOPES };
      }
      break;
    }
    case 'publishableKey': {
      const key = credentials.findPublishableKey(token);
      if (key) {
        return {
          type: 'visitor',
          id: key.id,
          orgId: key.orgId,
          scopes: new Set<Scope>(['chat:public']),
          agentId: key.agentId,
          allowedOrigins: key.allowedOrigins,
          rateLimitRpm: key.rateLimitRpm ?? undefined,
        };
      }
      break;
    }
    default:
      break;
  }
  throw new FlowyteError('unauthorized', 'the key or session token is not valid (revoked, expired or mistyped)');
}
