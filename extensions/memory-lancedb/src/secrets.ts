/**
 * Whether a text carries a credential. Memory must never hold one: a stored token would be recalled
 * into later prompts, sent to the embeddings provider and kept on disk. Errs on the side of refusing.
 */
const SECRET_PATTERNS: readonly [string, RegExp][] = [
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['OpenAI or Anthropic key', /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}/],
  ['GitHub token', /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/],
  ['Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ['AWS access key', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['Google API key', /\bAIza[0-9A-Za-z_-]{30,}/],
  ['Stripe key', /\b[rs]k_(?:live|test)_[0-9A-Za-z]{16,}/],
  ['Telegram bot token', /\b\d{6,12}:AA[A-Za-z0-9_-]{30,}/],
  ['JSON web token', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  ['bearer token', /\bbearer\s+[A-Za-z0-9._~+/=-]{16,}/i],
  ['URL with a password', /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i],
  // "my password is hunter2", "PIN: 1234", "api key = abc…", "the wifi passcode hunter2"
  [
    'password or key',
    /\b(?:password|passwort|passcode|passphrase|pass\s*word|pwd|pin(?:\s*code)?|api[\s_-]?key|secret(?:\s*key)?|access[\s_-]?token|auth[\s_-]?token|token|otp|2fa\s*code|recovery\s*code|seed\s*phrase|cvv|cvc)\b\s*(?:is|was|=|:|->|of)?\s*["'`]?\S{3,}/i,
  ],
  // A long unbroken run mixing letters and digits looks like a key even without a label.
  ['key-like string', /\b(?=[A-Za-z0-9_+/=-]{32,}\b)(?=\S*\d)(?=\S*[a-z])(?=\S*[A-Z])[A-Za-z0-9_+/=-]{32,}\b/],
  ['card number', /\b(?:\d[ -]?){13,19}\b/],
];

/** The kind of secret found, or undefined when the text looks safe to keep. */
export function findSecret(text: string): string | undefined {
  for (const [kind, re] of SECRET_PATTERNS) {
    if (!re.test(text)) continue;
    if (kind === 'card number' && !luhnAny(text)) continue;
    return kind;
  }
  return undefined;
}

function luhnAny(text: string): boolean {
  for (const m of text.matchAll(/\b(?:\d[ -]?){13,19}\b/g)) {
    const digits = m[0].replace(/\D/g, '');
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let d = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return true;
  }
  return false;
}
