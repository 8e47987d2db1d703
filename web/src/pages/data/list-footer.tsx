/** Under a paged list: the error, "loading", "nothing found" and the next-page button. */
import { t } from '../../i18n.ts';
import { ErrorNote } from '../../components/ui.tsx';
import type { Paged } from './paged.ts';

export function ListFooter<T>({ list, empty, testid }: { list: Paged<T>; empty?: string; testid?: string }) {
  return (
    <div class="list-footer">
      <ErrorNote error={list.error} />
      {list.loading && <p class="muted" role="status">{t('common.loading')}</p>}
      {!list.loading && !list.error && list.items.length === 0 && <p class="muted">{empty ?? t('data.noResults')}</p>}
      {list.next && !list.loading && <button type="button" onClick={list.more} data-testid={testid ?? 'more'}>{t('common.more')}</button>}
    </div>
  );
}
