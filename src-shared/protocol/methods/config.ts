import { Type } from '@sinclair/typebox';
import { OperatorScopes } from '../scopes.js';
import { defineMethod } from './define.js';

export const ConfigIssueSchema = Type.Object({ path: Type.String(), message: Type.String() });

/** `config.get` result: the file as written (secrets redacted) and its hash for the conflict guard. */
export const ConfigSnapshotSchema = Type.Object({
  path: Type.String(),
  exists: Type.Boolean(),
  valid: Type.Boolean(),
  hash: Type.String(),
  appliedConfigHash: Type.String(),
  raw: Type.Union([Type.String(), Type.Null()]),
  config: Type.Unknown(),
  issues: Type.Array(ConfigIssueSchema),
});

export const configGetMethod = defineMethod({
  description: 'The config file (secrets redacted), its hash, and whether it is valid.',
  scope: OperatorScopes.READ,
  params: Type.Object({}, { additionalProperties: false }),
  result: ConfigSnapshotSchema,
});

const WriteResult = Type.Object({
  ok: Type.Literal(true),
  path: Type.String(),
  hash: Type.String(),
  config: Type.Unknown(),
  changedPaths: Type.Array(Type.String()),
});

/** Shared by the write methods: the new text and the hash it was based on (conflict guard). */
const writeParams = {
  raw: Type.String({ maxLength: 2_000_000 }),
  baseHash: Type.Optional(Type.String()),
  note: Type.Optional(Type.String({ maxLength: 500 })),
};

export const configSetMethod = defineMethod({
  description: 'Replace the whole config file (JSON5 text). Needs the current hash when the file exists.',
  scope: OperatorScopes.ADMIN,
  params: Type.Object(writeParams, { additionalProperties: false }),
  result: WriteResult,
});

export const configPatchMethod = defineMethod({
  description: 'Apply a JSON merge patch (JSON5 text of an object; null deletes). Needs the current hash when the file exists.',
  scope: OperatorScopes.ADMIN,
  params: Type.Object({ ...writeParams, replacePaths: Type.Optional(Type.Array(Type.String())) }, { additionalProperties: false }),
  result: WriteResult,
});

export const configSchemaMethod = defineMethod({
  description: 'The JSON Schema of the config file, with reload classes per path.',
  scope: OperatorScopes.READ,
  params: Type.Object({}, { additionalProperties: false }),
  result: Type.Object({ schema: Type.Unknown(), version: Type.String(), reload: Type.Record(Type.String(), Type.String()) }),
});
