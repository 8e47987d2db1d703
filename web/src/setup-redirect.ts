/** An admin who signs in while no line exists lands in the set-up wizard once per browser session (unless skipped). */
import { useEffect } from 'preact/hooks';
import { api } from './api.ts';
import { go, route } from './router.ts';
import type { Me } from './session.ts';

const KEY = 'kefu.setupSkipped';
export const skipSetup = (): void => sessionStorage.setItem(KEY, '1');

export function useSetupRedirect(who: Me | null | undefined): void {
  const admin = who?.user?.role === 'admin';
  useEffect(() => {
    if (!admin || sessionStorage.getItem(KEY)) return;
    let live = true;
    api.get<{ needed: boolean }>('/setup/status').then((s) => {
      const here = route.get()[0];
      if (live && s.needed && here !== 'setup' && here !== 'hardware') { skipSetup(); go('setup'); }
    }, () => undefined);
    return () => { live = false; };
  }, [admin]);
}
