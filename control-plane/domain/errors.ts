/**
 * Expected failures of the control plane. Each becomes a GraphQL object type in a mutation's
 * result union (schema/errors.ts); anything else stays an unexpected, masked error.
 */
export class DomainError extends Error {}

export class NotFoundError extends DomainError {
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    // The same answer for a missing object and for one the caller may not see.
    super(`${entity} ${id} not found`);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends DomainError {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

export interface FieldIssue {
  path: string;
  message: string;
}

export class ValidationError extends DomainError {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; '));
    this.name = 'ValidationError';
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'not allowed') {
    super(message);
    this.name = 'ForbiddenError';
  }
}
