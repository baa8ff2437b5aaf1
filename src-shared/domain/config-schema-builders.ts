/** The TypeBox builders the config schema is written with: strict objects (unknown keys rejected) and described leaves. */
import { Type, type TSchema, type TProperties, type ObjectOptions, type TUnion, type TLiteral } from '@sinclair/typebox';

export const Obj = <T extends TProperties>(properties: T, options: ObjectOptions = {}) =>
  Type.Object(properties, { additionalProperties: false, ...options });
export const Enum = <const T extends readonly string[]>(values: T, description: string, extra: object = {}) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { description, ...extra },
  ) as unknown as TUnion<TLiteral<T[number]>[]>;
export const Opt = Type.Optional;
export const Str = (description: string, extra: object = {}) => Type.String({ description, ...extra });
export const Bool = (description: string, extra: object = {}) => Type.Boolean({ description, ...extra });
export const Int = (description: string, extra: object = {}) => Type.Integer({ description, ...extra });
export const StrList = (description: string) => Type.Array(Type.String(), { description });
export const Dict = <T extends TSchema>(value: T, description: string) => Type.Record(Type.String(), value, { description });

