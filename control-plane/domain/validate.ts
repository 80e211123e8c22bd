import type { z } from 'zod';
import { ValidationError } from './errors.ts';

/** Parses input with a zod schema; a failure becomes a typed ValidationError listing every issue. */
export function validate<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
}
