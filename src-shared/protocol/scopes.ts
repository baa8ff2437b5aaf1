/** Operator scopes. The server assigns them; a client's own claim is only a request. */
export const OperatorScopes = {
  READ: 'operator.read',
  WRITE: 'operator.write',
  ADMIN: 'operator.admin',
  APPROVALS: 'operator.approvals',
  PAIRING: 'operator.pairing',
  TALK: 'operator.talk',
  TALK_SECRETS: 'operator.talk.secrets',
  QUESTIONS: 'operator.questions',
  SESSIONS_WRITE: 'operator.sessions.write',
} as const;
export type OperatorScope = (typeof OperatorScopes)[keyof typeof OperatorScopes];
export const ALL_OPERATOR_SCOPES: readonly string[] = Object.values(OperatorScopes);

/** What the CLI asks for by default. */
export const CLI_DEFAULT_SCOPES: readonly string[] = [
  OperatorScopes.ADMIN,
  OperatorScopes.READ,
  OperatorScopes.WRITE,
  OperatorScopes.APPROVALS,
  OperatorScopes.QUESTIONS,
  OperatorScopes.PAIRING,
  OperatorScopes.TALK_SECRETS,
];

/** Scopes implied by holding another: admin ⇒ every operator scope; write ⇒ read, talk. */
const IMPLIES: Record<string, readonly string[]> = {
  [OperatorScopes.ADMIN]: ALL_OPERATOR_SCOPES,
  [OperatorScopes.WRITE]: [OperatorScopes.READ, OperatorScopes.TALK],
};

/** Whether `held` satisfies `required`, counting implications. */
export function hasScope(held: readonly string[], required: string): boolean {
  if (held.includes(required)) return true;
  return held.some((s) => IMPLIES[s]?.includes(required) ?? false);
}

/** Keep only scopes known for the role, without duplicates. */
export function normalizeScopes(role: string, requested: readonly string[] | undefined): string[] {
  if (role !== 'operator' || !requested) return [];
  return [...new Set(requested.filter((s) => ALL_OPERATOR_SCOPES.includes(s)))];
}
