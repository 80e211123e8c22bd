import { useState } from 'react';
import { type AnyVariables, type TypedDocumentNode, useMutation } from 'urql';
import { type FormErrors, formErrors } from './ui.tsx';

/**
 * Runs a mutation whose one field is a result union (`... on XSuccess { data }` or a typed error)
 * and keeps its errors by field for the form. Resolves to the success `data`, or null.
 */
export function useAction<Data extends Record<string, any>, Variables extends AnyVariables>(document: TypedDocumentNode<Data, Variables>) {
  const [state, run] = useMutation(document);
  const [errors, setErrors] = useState<FormErrors>({ fields: {} });
  async function execute(variables: Variables): Promise<any | null> {
    const result = await run(variables);
    const payload = result.data ? (Object.values(result.data)[0] as { __typename?: string; data?: unknown } | null) : null;
    const found = formErrors(payload as never, result.error);
    setErrors(found);
    return payload?.__typename?.endsWith('Success') ? (payload.data ?? true) : null;
  }
  return { errors, setErrors, execute, fetching: state.fetching };
}

/** The message to show for an action without a form (a button in a table row). */
export function firstError(errors: FormErrors): string | null {
  return errors.form ?? Object.values(errors.fields)[0] ?? null;
}
