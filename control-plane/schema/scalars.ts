import { GraphQLError, Kind } from 'graphql';
import { builder } from './builder.ts';

/** A refused scalar input; graphql-js keeps the code on the error naming the variable or argument. */
const invalidInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

// JavaScript dates reach years PostgreSQL refuses (before 4713 BC; year 0 once a day is taken
// off), which failed as a masked database error. Nothing Tollgate stores or asks about (usage, key
// expiry, price versions) lies outside these, so a wider input is the client's mistake.
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

builder.scalarType('DateTime', {
  description: 'An instant, as an ISO-8601 string in UTC, from 1970-01-01 to the end of 9999-12-31.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
  parseValue: (value) => {
    const date = new Date(String(value));
    const time = date.getTime();
    if (Number.isNaN(time)) throw invalidInput('DateTime must be an ISO-8601 string');
    if (time < EARLIEST || time > LATEST) throw invalidInput('DateTime must be an ISO-8601 instant between 1970-01-01 and 9999-12-31');
    return date;
  },
});

builder.scalarType('MicroUSD', {
  description: 'Money in integer micro-USD (1 USD = 1,000,000), as a decimal string so it stays exact past 2^53. Inputs accept a string or an integer.',
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
    throw invalidInput('MicroUSD must be an integer (string or safe integer)');
  },
  parseLiteral: (node) => {
    if ((node.kind === Kind.INT || node.kind === Kind.STRING) && /^-?\d+$/.test(node.value)) return BigInt(node.value);
    throw invalidInput('MicroUSD must be an integer (string or safe integer)');
  },
});

builder.scalarType('JSON', {
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
});
