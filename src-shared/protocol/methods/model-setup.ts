import { Type } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';

/** The kinds of model provider the first-run setup offers. */
export const ProviderKindSchema = Type.Union([Type.Literal('anthropic'), Type.Literal('openai'), Type.Literal('openai-compatible'), Type.Literal('ollama')]);

/** A provider as a person describes it in the setup form. */
export const ProviderSetupSchema = Type.Object(
  {
    kind: ProviderKindSchema,
    /** Required for Anthropic, OpenAI and most compatible servers; Ollama needs none. */
    apiKey: Type.Optional(Type.String({ maxLength: 1000 })),
    /** The server's OpenAI-compatible base URL (`…/v1`); optional for Anthropic and OpenAI (their own API by default). */
    baseUrl: Type.Optional(Type.String({ maxLength: 1000 })),
    /** Model id as the provider knows it (`claude-sonnet-4-5`, `gpt-4o-mini`, `qwen3`). */
    model: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

/** What one real request to the provider showed. */
export const ProviderTestResultSchema = Type.Object({
  ok: Type.Boolean(),
  /** `provider/model` as the config will name it. */
  modelRef: Type.String(),
  latencyMs: Type.Integer(),
  /** The start of the model's answer, when it answered. */
  reply: Type.Optional(Type.String()),
  /** Why it failed, in words, with what to do. */
  error: Type.Optional(Type.String()),
  /** `auth`, `connection`, `bad_request`, `rate_limit`, … */
  errorKind: Type.Optional(Type.String()),
});

export const modelsSetupDetectMethod = defineMethod({
  description: 'Look for a local Ollama on its default port and list its models.',
  scope: OperatorScopes.ADMIN,
  params: Type.Object({}, { additionalProperties: false }),
  result: Type.Object({ ollama: Type.Object({ baseUrl: Type.String(), found: Type.Boolean(), models: Type.Array(Type.String()) }) }),
});

export const modelsSetupTestMethod = defineMethod({
  description: 'Send one real request to a provider with the given key and model, without saving anything.',
  scope: OperatorScopes.ADMIN,
  params: ProviderSetupSchema,
  result: ProviderTestResultSchema,
});

export const modelsSetupSaveMethod = defineMethod({
  description: 'Test a provider with one real request and, when it answers, save it to the config as the default model.',
  scope: OperatorScopes.ADMIN,
  params: ProviderSetupSchema,
  result: Type.Object({ test: ProviderTestResultSchema, saved: Type.Boolean(), path: Type.Optional(Type.String()) }),
});
