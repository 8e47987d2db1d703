import { t } from '../i18n.ts';

// Placeholder until the page lands.
export function Customers(_props: { params: string[] }) {
  return <div class="card">{t('common.loading')}</div>;
}
