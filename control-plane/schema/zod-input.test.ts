import { graphql, printType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { id } from '../domain/fields.ts';
import { builder } from './builder.ts';
import { enumFrom } from './common.ts';
import './scalars.ts';
import { fieldSpec, inputTypeFrom } from './zod-input.ts';

const COLOURS = ['light-blue', 'red'] as const;
enumFrom('ProbeColour', COLOURS);

const Inner = z.object({ size: z.number().int().positive() });
inputTypeFrom('ProbeInnerInput', Inner);

const Probe = z.object({
  id,
  ownerId: id.nullish().describe('Who owns it.'),
  name: z.string().trim().min(1),
  note: z.string().describe('Inner text.').nullish().describe('Outer text wins.'),
  ratio: z.number().optional(),
  count: z.number().int().default(1),
  on: z.boolean().nullish(),
  amount: z.bigint().nonnegative(),
  at: z.date().optional(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  colour: z.enum(COLOURS),
  colours: z.array(z.enum(COLOURS)).optional(),
  inner: Inner.nullish(),
  inners: z.array(Inner),
  sorted: z
    .array(z.number().int())
    .transform((list) => [...list].sort())
    .nullish(),
  renamed: z.string().optional(),
});
const ProbeInput = inputTypeFrom('ProbeInput', Probe, {
  description: 'A probe of every mapping.',
  fields: { renamed: { name: 'shown', description: 'Renamed.' } },
});

builder.queryField('probe', (t) =>
  t.field({ type: 'JSON', args: { input: t.arg({ type: ProbeInput, required: true }) }, resolve: (_root, args) => args.input }),
);
// The shared builder declares Mutation and Subscription; GraphQL wants a field in each.
builder.mutationField('probeMutation', (t) => t.boolean({ resolve: () => true }));
builder.subscriptionField('probeSubscription', (t) => t.boolean({ subscribe: async function* () {}, resolve: () => true }));
const schema = builder.toSchema();

describe('inputTypeFrom', () => {
  // printType lists fields in name order (Pothos sorts them).
  it('declares the zod fields with their GraphQL types, nullability and descriptions', () => {
    expect(printType(schema.getType('ProbeInput')!)).toBe(`"""A probe of every mapping."""
input ProbeInput {
  amount: MicroUSD!
  at: DateTime
  colour: ProbeColour!
  colours: [ProbeColour!]
  count: Int
  id: ID!
  inner: ProbeInnerInput
  inners: [ProbeInnerInput!]!
  metadata: JSON
  name: String!

  """Outer text wins."""
  note: String
  on: Boolean

  """Who owns it."""
  ownerId: ID
  ratio: Float

  """Renamed."""
  shown: String
  sorted: [Int!]
}`);
    expect(printType(schema.getType('ProbeInnerInput')!)).toBe('input ProbeInnerInput {\n  size: Int!\n}');
  });

  it('hands the resolver what GraphQL parsed, enum values and scalars included', async () => {
    const result = await graphql({
      schema,
      source: `{ probe(input: { id: "p1", name: "n", amount: "12", colour: LIGHT_BLUE, inners: [{ size: 2 }], shown: "s" }) }`,
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.probe).toMatchObject({ id: 'p1', name: 'n', amount: 12n, colour: 'light-blue', inners: [{ size: 2 }], shown: 's' });
  });
});

describe('fieldSpec', () => {
  it('refuses an enum without a GraphQL enum, naming the field', () => {
    expect(() => fieldSpec(z.enum(['x', 'y']), 'T.kind')).toThrow('T.kind: no GraphQL enum over x, y');
  });

  it('makes a field over values of two GraphQL enums name one', () => {
    const shared = ['up', 'down'] as const;
    enumFrom('ProbeDirection', shared);
    const Other = enumFrom('ProbeOtherDirection', shared);
    expect(() => fieldSpec(z.enum(shared), 'T.way')).toThrow('T.way: several GraphQL enums over up, down');
    expect(fieldSpec(z.enum(shared), 'T.way', { type: Other })).toMatchObject({ type: Other, required: true });
  });

  it('refuses an object without an input type', () => {
    expect(() => fieldSpec(z.object({ a: z.string() }).optional(), 'T.nested')).toThrow('T.nested: its object has no GraphQL input type');
  });

  it('refuses list items that may be null, and types it cannot map', () => {
    expect(() => fieldSpec(z.array(z.string().nullable()), 'T.list')).toThrow('T.list: list items that may be null');
    expect(() => fieldSpec(z.union([z.string(), z.number()]), 'T.either')).toThrow('T.either: zod type "union"');
  });

  it('makes a field holding an object with two input types name one', () => {
    const Twice = z.object({ a: z.string() });
    inputTypeFrom('ProbeTwiceInput', Twice);
    const Again = inputTypeFrom('ProbeTwiceAgainInput', Twice);
    expect(() => fieldSpec(Twice.nullish(), 'T.twice')).toThrow('T.twice: its object has several GraphQL input types');
    expect(fieldSpec(Twice.nullish(), 'T.twice', { type: Again })).toMatchObject({ type: Again, required: false });
  });

  it('takes a given type over the derived one', () => {
    expect(fieldSpec(z.string().optional(), 'T.s', { type: 'ID' })).toMatchObject({ type: 'ID', list: false, required: false });
  });
});
