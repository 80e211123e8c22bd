import { GraphQLError } from 'graphql';
import { ConflictError, DomainError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.ts';
import { builder } from './builder.ts';

/** Every expected failure implements this, so clients can always ask `... on Error { message }`. */
export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  fields: (t) => ({ message: t.exposeString('message') }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ entity: t.exposeString('entity'), id: t.exposeString('id') }),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ field: t.exposeString('field') }),
});

const FieldIssue = builder.objectRef<{ path: string; message: string }>('FieldIssue').implement({
  fields: (t) => ({ path: t.exposeString('path'), message: t.exposeString('message') }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ issues: t.field({ type: [FieldIssue], resolve: (error) => error.issues }) }),
});

builder.objectType(ForbiddenError, {
  name: 'ForbiddenError',
  interfaces: [ErrorInterface],
});

const CODES: Record<string, string> = { NotFoundError: 'NOT_FOUND', ForbiddenError: 'FORBIDDEN', ValidationError: 'BAD_USER_INPUT', ConflictError: 'CONFLICT' };

/**
 * For subscriptions, where no result union can carry an expected error: a domain error thrown
 * while subscribing becomes a GraphQL error with its message and a code (Yoga would mask and log
 * it as unexpected otherwise). Anything else is rethrown, to be masked.
 */
export async function withDomainErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) throw new GraphQLError(error.message, { extensions: { code: CODES[error.name] ?? 'DOMAIN_ERROR' } });
    throw error;
  }
}
