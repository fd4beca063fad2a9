// A router of a few lines: the app has a dozen paths, a library would cost more bytes than it saves.
import { useEffect, useState, type MouseEvent } from 'react';

const listeners = new Set<() => void>();

export function navigate(to: string, replace = false) {
  if (replace) history.replaceState(null, '', to); else history.pushState(null, '', to);
  for (const l of listeners) l();
  // Keyboard and screen-reader users land on the new page's heading, not on the old link.
  queueMicrotask(() => setTimeout(() => document.querySelector<HTMLElement>('main h1')?.focus(), 0));
}

export function useLocation(): { path: string; search: URLSearchParams } {
  const [, tick] = useState(0);
  useEffect(() => {
    const update = () => tick((n) => n + 1);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => { listeners.delete(update); window.removeEventListener('popstate', update); };
  }, []);
  return { path: location.pathname, search: new URLSearchParams(location.search) };
}

/** `/app/exchanges/:id` against a path: the named parts, or undefined when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/');
  const s = path.replace(/\/+$/, '').split('/');
  if (p.length !== s.length) return undefined;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const want = p[i]!;
    const got = s[i]!;
    if (want.startsWith(':')) {
      if (!got) return undefined;
      try { out[want.slice(1)] = decodeURIComponent(got); } catch { return undefined; }
    } else if (want !== got) return undefined;
  }
  return out;
}

/** Click handler for in-app links: plain clicks route here, modified clicks open a tab as usual. */
export function onLinkClick(e: MouseEvent<HTMLAnchorElement>) {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(e.currentTarget.getAttribute('href')!);
}
