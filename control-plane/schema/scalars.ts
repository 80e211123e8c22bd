import { GraphQLError, Kind } from 'graphql';
import { builder } from './builder.ts';

builder.scalarType('DateTime', {
  description: 'An instant, as an ISO-8601 string in UTC.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
  parseValue: (value) => {
    const date = new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO-8601 string');
    return date;
  },
});

builder.scalarType('MicroUSD', {
  description: 'Money in integer micro-USD (1 USD = 1,000,000), as a decimal string so it stays exact past 2^53. Inputs accept a string or an integer.',
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
    throw new GraphQLError('MicroUSD must be an integer (string or safe integer)');
  },
  parseLiteral: (node) => {
    if ((node.kind === Kind.INT || node.kind === Kind.STRING) && /^-?\d+$/.test(node.value)) return BigInt(node.value);
    throw new GraphQLError('MicroUSD must be an integer (string or safe integer)');
  },
});

builder.scalarType('JSON', {
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
});
