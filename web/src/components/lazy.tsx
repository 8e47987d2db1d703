/** A page loaded on first visit (its own chunk: the charts and the IVR editor's schema code stay out of the first load). */
import { useEffect, useState } from 'preact/hooks';
import type { ComponentType } from 'preact';
import { t } from '../i18n.ts';
import { ErrorNote, errorText } from './ui.tsx';

type PageProps = { params: string[] };

export function lazyPage(load: () => Promise<ComponentType<PageProps>>): ComponentType<PageProps> {
  let loaded: ComponentType<PageProps> | null = null;
  return function LazyPage(props: PageProps) {
    const [Page, setPage] = useState<ComponentType<PageProps> | null>(() => loaded);
    const [error, setError] = useState<string | null>(null);
    useEffect(() => {
      if (loaded) return;
      load().then((c) => { loaded = c; setPage(() => c); }, (err: unknown) => setError(errorText(err)));
    }, []);
    if (error) return <ErrorNote error={error} />;
    return Page ? <Page {...props} /> : <div class="card muted">{t('common.loading')}</div>;
  };
}
