import { describe, expect, it } from 'vitest';
import { parseIdentityMarkdown } from './agent-identity.js';

describe('parseIdentityMarkdown', () => {
  it('reads the labelled fields of the identity template, bold or not, listed or not', () => {
    const text = ['# IDENTITY.md', '', '- **Name:** Clawd', '- **Creature:** lobster', '* Vibe: calm', 'Emoji: 🦞', '- **Avatar:** avatars/me.png', '- **Theme:** `claw`'].join('\n');
    expect(parseIdentityMarkdown(text)).toEqual({ name: 'Clawd', creature: 'lobster', vibe: 'calm', emoji: '🦞', avatar: 'avatars/me.png', theme: 'claw' });
  });

  it("skips the template's hints, empty values, unknown labels and repeats", () => {
    const text = ['- **Name:** (pick something you like)', '- **Emoji:**', '- **Colour:** red', '- **Name:** First', '- **Name:** Second', '- **Avatar:** (workspace-relative path, http(s) URL, or data URI)'].join('\n');
    expect(parseIdentityMarkdown(text)).toEqual({ name: 'First' });
  });
});
