/** Cursor-paged lists (`?limit=&cursor=` -> `{ items, next }`) with a "more" step. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { errorText } from '../../components/ui.tsx';

export interface Page<T> { items: T[]; next: string | null }

export interface Paged<T> {
  items: T[];
  next: string | null;
  loading: boolean;
  error: string | null;
  more: () => void;
  reload: () => void;
  /** Change the loaded items in place (after an edit or delete). */
  update: (fn: (items: T[]) => T[]) => void;
}

/** `url(cursor)` builds the request; the list reloads when `deps` change. */
export function usePaged<T>(url: (cursor: string | undefined) => string, deps: unknown[]): Paged<T> {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [n, setN] = useState(0);
  const gen = useRef(0);
  const urlRef = useRef(url);
  urlRef.current = url;

  useEffect(() => {
    const g = ++gen.current;
    setLoading(true);
    api.get<Page<T>>(url(undefined)).then(
      (p) => { if (g === gen.current) { setItems(p.items); setNext(p.next); setError(null); setLoading(false); } },
      (err: unknown) => { if (g === gen.current) { setError(errorText(err)); setLoading(false); } },
    );
    return () => { gen.current++; };
  }, [...deps, n]);

  const more = useCallback(() => {
    if (!next) return;
    const g = gen.current;
    setLoading(true);
    api.get<Page<T>>(urlRef.current(next)).then(
      (p) => { if (g === gen.current) { setItems((xs) => [...xs, ...p.items]); setNext(p.next); setError(null); setLoading(false); } },
      (err: unknown) => { if (g === gen.current) { setError(errorText(err)); setLoading(false); } },
    );
  }, [next]);

  return { items, next, loading, error, more, reload: useCallback(() => setN((x) => x + 1), []), update: setItems };
}
