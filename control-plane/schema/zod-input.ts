import type { ArgBuilder, ArgumentRef, EnumRef, InputRef, SchemaTypes } from '@pothos/core';
import type { z } from 'zod';
import { id } from '../domain/fields.ts';
import { builder } from './builder.ts';

/**
 * GraphQL input types derived from the domain's zod schemas, so an input shape is written once:
 * the domain validates with the schema, and GraphQL declares the same fields, nullability and
 * descriptions from it. A field is required in GraphQL when zod requires it (no optional,
 * nullable or default); its description is the zod one (`.describe()`, outermost wins).
 *
 * | zod | GraphQL |
 * |---|---|
 * | `id` (domain/fields.ts) | ID |
 * | string | String |
 * | number, `.int()` | Int (else Float) |
 * | boolean | Boolean |
 * | bigint | MicroUSD (money is the only bigint input) |
 * | date | DateTime |
 * | record, unknown | JSON |
 * | enum | the GraphQL enum made by `enumFrom` over the same values |
 * | object | the input type made by `inputTypeFrom` from that object (if several, the field names one) |
 * | array | a list of its element, whose items are never null |
 *
 * A transform or refinement keeps the type of its input. Anything else, or an enum or object
 * without its GraphQL type, fails when the schema is built, naming the field.
 */

type GraphQLInput = InputRef<unknown> | EnumRef<SchemaTypes, unknown> | string;

type ZodObject = z.ZodObject;

/** Per field, by zod key: another GraphQL name, type (an item's, for a list) or description. */
export interface InputFieldOverride {
  name?: string;
  type?: GraphQLInput;
  description?: string;
}

export interface InputTypeOptions<Shape extends z.core.$ZodShape> {
  description?: string;
  fields?: { [K in keyof Shape]?: InputFieldOverride };
}

/** A field's shape: the zod one, or that of the input type given for it (nested renames). */
type FieldShape<V, F> = F extends { type: InputRef<infer T> } ? (NonNullable<V> extends readonly unknown[] ? T[] : T) | Extract<V, null | undefined> : V;

/** The zod input with the overrides of `fields` applied: what GraphQL hands the resolver. */
type Renamed<T, Fields> = {
  [K in keyof T as K extends keyof Fields ? (Fields[K] extends { name: infer N extends string } ? N : K) : K]: K extends keyof Fields
    ? FieldShape<T[K], Fields[K]>
    : T[K];
};

/** The GraphQL enum over each list of values; null when there are several (a field must name one). */
const enumsByValues = new Map<string, EnumRef<SchemaTypes, unknown> | null>();
/** The input type of each zod object; null when it has several (a field holding it must name one). */
const inputsBySchema = new WeakMap<z.core.$ZodTypeDef, GraphQLInput | null>();

const valuesKey = (values: readonly unknown[]) => values.join('\n');

/** Lets zod enums over exactly these values (same order) become this GraphQL enum. */
export function registerEnum(values: readonly string[], ref: EnumRef<SchemaTypes, unknown>): void {
  const key = valuesKey(values);
  enumsByValues.set(key, enumsByValues.has(key) ? null : ref);
}

interface Unwrapped {
  core: z.core.$ZodType;
  required: boolean;
  description?: string;
}

/** Strips optional, nullable, default and pipes down to the type GraphQL sees. */
function unwrap(schema: z.core.$ZodType): Unwrapped {
  let current = schema;
  let required = true;
  let description: string | undefined;
  for (;;) {
    description ??= (current as z.ZodType).description;
    const def = current._zod.def as z.core.$ZodTypeDef & { innerType?: z.core.$ZodType; in?: z.core.$ZodType; out?: z.core.$ZodType };
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default' || def.type === 'prefault') {
      required = false;
      current = def.innerType as z.core.$ZodType;
    } else if (def.type === 'pipe') {
      // `.transform()` is a pipe into a transform: the input is what GraphQL carries. `z.preprocess`
      // is a pipe out of one: then the output is.
      const input = def.in as z.core.$ZodType;
      current = input._zod.def.type === 'transform' ? (def.out as z.core.$ZodType) : input;
    } else {
      return { core: current, required, description };
    }
  }
}

function scalarOf(core: z.core.$ZodType, where: string): GraphQLInput {
  const def = core._zod.def;
  // `.describe()` clones a schema but keeps its definition: compare definitions, not instances.
  if (def === id._zod.def) return 'ID';
  switch (def.type) {
    case 'string':
      return 'String';
    case 'number':
      return (core as z.ZodNumber).isInt ? 'Int' : 'Float';
    case 'boolean':
      return 'Boolean';
    case 'bigint':
      return 'MicroUSD';
    case 'date':
      return 'DateTime';
    case 'record':
    case 'unknown':
      return 'JSON';
    case 'enum': {
      const values = (core as z.ZodEnum).options;
      const ref = enumsByValues.get(valuesKey(values));
      if (ref === null) throw new Error(`${where}: several GraphQL enums over ${values.join(', ')}; name one in the field's override`);
      if (!ref) throw new Error(`${where}: no GraphQL enum over ${values.join(', ')}; make it with enumFrom`);
      return ref;
    }
    case 'object': {
      const ref = inputsBySchema.get(def);
      if (ref === null) throw new Error(`${where}: its object has several GraphQL input types; name one in the field's override`);
      if (!ref) throw new Error(`${where}: its object has no GraphQL input type; make one with inputTypeFrom first`);
      return ref;
    }
    default:
      throw new Error(`${where}: zod type "${def.type}" has no GraphQL input mapping`);
  }
}

/** The GraphQL field of one zod field: type, list-ness, nullability and description. */
export function fieldSpec(schema: z.core.$ZodType, where: string, override: InputFieldOverride = {}) {
  const field = unwrap(schema);
  const description = override.description ?? field.description;
  if (field.core._zod.def.type !== 'array') {
    return { type: override.type ?? scalarOf(field.core, where), list: false, required: field.required, description };
  }
  const item = unwrap((field.core._zod.def as z.core.$ZodArrayDef).element);
  if (!item.required) throw new Error(`${where}: list items that may be null have no GraphQL mapping here`);
  return { type: override.type ?? scalarOf(item.core, `${where}[]`), list: true, required: field.required, description };
}

/** Pothos's options for the input field or argument of one zod field. */
function fieldOptions(schema: z.core.$ZodType, where: string, override?: InputFieldOverride) {
  const spec = fieldSpec(schema, where, override);
  return {
    // The fields are chosen at run time from the zod schema: Pothos cannot type them.
    type: (spec.list ? [spec.type] : spec.type) as any,
    required: spec.list ? { list: spec.required, items: true } : spec.required,
    description: spec.description,
  };
}

/**
 * Declares the GraphQL input type `name` with the fields of a zod object, and registers it so
 * that zod fields holding this object become this input type.
 */
export function inputTypeFrom<S extends ZodObject, const O extends InputTypeOptions<S['shape']> = InputTypeOptions<S['shape']>>(
  name: string,
  schema: S,
  options: O = {} as O,
): InputRef<Renamed<z.input<S>, O['fields']>> {
  const overrides = (options.fields ?? {}) as Record<string, InputFieldOverride | undefined>;
  const ref = builder.inputRef<z.input<S> & object, false>(name).implement({
    description: options.description,
    fields: (t) =>
      Object.fromEntries(
        Object.entries(schema.shape as Record<string, z.core.$ZodType>).map(([key, fieldSchema]) => {
          const override = overrides[key] ?? {};
          return [override.name ?? key, t.field(fieldOptions(fieldSchema, `${name}.${key}`, override))];
        }),
      ) as any,
  });
  // A second input type of the same object leaves the choice to each field that holds it.
  inputsBySchema.set(schema._zod.def, inputsBySchema.has(schema._zod.def) ? null : (ref as GraphQLInput));
  return ref as InputRef<Renamed<z.input<S>, O['fields']>>;
}

type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/**
 * The arguments of a field that takes a few fields of its own rather than an input object, from
 * a zod object: declared once, for GraphQL and for the domain's validation.
 */
export function argsFrom<S extends ZodObject>(
  arg: ArgBuilder<BuilderTypes>,
  schema: S,
  where: string,
): { [K in keyof z.input<S>]-?: ArgumentRef<BuilderTypes, z.input<S>[K]> } {
  return Object.fromEntries(
    Object.entries(schema.shape as Record<string, z.core.$ZodType>).map(([key, fieldSchema]) => [key, arg(fieldOptions(fieldSchema, `${where}.${key}`))]),
  ) as any;
}
