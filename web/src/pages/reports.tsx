import { t } from '../i18n.ts';

// Placeholder until the page lands.
export function Reports(_props: { params: string[] }) {
  return <div class="card">{t('common.loading')}</div>;
}
