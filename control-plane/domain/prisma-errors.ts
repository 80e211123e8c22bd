import { ConflictError } from './errors.ts';

/** Turns a unique-constraint violation into a ConflictError naming the field; rethrows the rest. */
export async function withConflictCheck<T>(field: string, message: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') throw new ConflictError(message, field);
    throw error;
  }
}
