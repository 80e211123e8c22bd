import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from 'react';

/** A small history router: the console has a dozen flat pages, no nested layouts. */
const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((listener) => listener()));

export function navigate(to: string): void {
  window.history.pushState(null, '', to);
  listeners.forEach((listener) => listener());
}

export function useLocation(): { pathname: string; search: URLSearchParams } {
  const href = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => window.location.pathname + window.location.search,
  );
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, search: url.searchParams };
}

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    props.onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.href);
  };
  // biome-ignore lint/a11y/useValidAnchor: a real link (href from props): it only adds client-side navigation to the click.
  // biome-ignore lint/a11y/noStaticElementInteractions: an anchor with href is interactive; the rule cannot see the spread href.
  // biome-ignore lint/a11y/useKeyWithClickEvents: Enter on a focused link fires this same click event.
  return <a {...props} onClick={onClick} />;
}
