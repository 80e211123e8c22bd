import { useSyncExternalStore } from 'react';

/** The bearer token (admin key or member token) for this browser tab only: sessionStorage, never a cookie. */
const STORAGE_KEY = 'tollgate.token';
const listeners = new Set<() => void>();

function read(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

let token = read();

export function setToken(next: string | null): void {
  token = next;
  if (next) sessionStorage.setItem(STORAGE_KEY, next);
  else sessionStorage.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener();
}

export function getToken(): string | null {
  return token;
}

export function useToken(): string | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => token,
  );
}
