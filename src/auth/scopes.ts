/** The scope vocabulary of secret keys. A `:write` scope also grants the matching `:read`. */

export const SCOPE_RESOURCES = [
  'agents', 'knowledge', 'skills', 'pubkeys', 'numbers', 'billing', 'analytics', 'calls',
  'chat', 'integrations', 'guardrails', 'playbooks', 'widgets', 'webhooks', 'audit', 'sms',
] as const;

export type ScopeResource = (typeof SCOPE_RESOURCES)[number];
export type Scope = `${ScopeResource}:${'read' | 'write'}` | 'chat:public';

/** Every scope a secret key can hold (chat:public belongs to publishable keys only). */
export const SECRET_KEY_SCOPES: Scope[] = SCOPE_RESOURCES.flatMap((resource) => [
  `${resource}:read` as Scope,
  `${resource}:write` as Scope,
]);

/** Whether a set of granted scopes satisfies a required one. */
export function grants(granted: ReadonlySet<Scope>, required: Scope): boolean {
  if (granted.has(required)) return true;
  if (required.endsWith(':read')) return granted.has(required.replace(/:read$/, ':write') as Scope);
  return false;
}
