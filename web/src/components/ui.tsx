/** Small shared pieces: async loading with errors, a toast, audio of a call or recording. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api.ts';
import { t } from '../i18n.ts';

export const errorText = (err: unknown): string => (err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err));

/** Load data; `reload()` fetches again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    load().then((d) => { if (live) { setData(d); setError(null); } }, (err: unknown) => { if (live) setError(errorText(err)); });
    return () => { live = false; };
  }, [...deps, n]);
  return { data, error, reload: useCallback(() => setN((x) => x + 1), []) };
}

export function ErrorNote({ error }: { error: string | null | undefined }) {
  return error ? <p class="error" role="alert">{t('common.error')}: {error}</p> : null;
}

let showToast: (msg: string) => void = () => undefined;
export const toast = (msg: string): void => showToast(msg);
export function Toasts() {
  const [msg, setMsg] = useState<string | null>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    showToast = (m) => { setMsg(m); clearTimeout(timer); timer = setTimeout(() => setMsg(null), 3000); };
  }, []);
  return msg ? <div class="toast" role="status">{msg}</div> : null;
}

/** A recording played in the page (the session cookie authorises the GET). */
export function Player({ src }: { src: string }) {
  return <audio controls preload="none" src={src} data-testid="player" />;
}

export function Section({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return <section class="card"><div class="row"><h2>{title}</h2><span class="spacer" />{actions}</div>{children}</section>;
}
