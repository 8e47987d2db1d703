/** Saved versions of a flow: publish one, roll back to an older one, or load it into the editor. */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { fmtDateTime, t } from '../../i18n.ts';
import { ErrorNote, errorText, toast, useLoad } from '../../components/ui.tsx';
import type { Flow } from './model.ts';

export interface FlowSummary { id: string; name: string; currentVersion: number; publishedVersion: number | null; createdAt: string; updatedAt: string }
interface VersionRow { flowId: string; version: number; createdAt: string }

export function Versions({ summary, onPublished, onLoad }: {
  summary: FlowSummary; onPublished: (s: FlowSummary) => void; onLoad: (flow: Flow, version: number) => void;
}) {
  const id = summary.id;
  const { data, error, reload } = useLoad(() => api.get<{ items: VersionRow[] }>(`/ivr/flows/${id}/versions`), [id, summary.currentVersion, summary.publishedVersion]);
  const [busy, setBusy] = useState<number | null>(null);
  const [err, setErr] = useState<string | null>(null);

  const publish = async (version: number) => {
    setBusy(version); setErr(null);
    try {
      const s = await api.post<FlowSummary>(`/ivr/flows/${id}/publish`, { version });
      onPublished(s); reload();
      toast(`${t('ivr.published')}: v${version}`);
    } catch (e) { setErr(errorText(e)); } finally { setBusy(null); }
  };
  const load = async (version: number) => {
    setErr(null);
    try {
      const v = await api.get<{ definition: Flow }>(`/ivr/flows/${id}/versions/${version}`);
      onLoad(v.definition, version);
    } catch (e) { setErr(errorText(e)); }
  };

  return (
    <section class="card" aria-label={t('ivr.versions')}>
      <h2>{t('ivr.versions')}</h2>
      <ErrorNote error={error ?? err} />
      <table data-testid="versions">
        <thead><tr><th>{t('ivr.version')}</th><th>{t('common.time')}</th><th>{t('common.state')}</th><th>{t('common.actions')}</th></tr></thead>
        <tbody>
          {(data?.items ?? []).map((v) => {
            const published = v.version === summary.publishedVersion;
            const older = summary.publishedVersion !== null && v.version < summary.publishedVersion;
            return (
              <tr key={v.version} data-testid={`version-${v.version}`}>
                <td>v{v.version}</td>
                <td class="small">{fmtDateTime(v.createdAt)}</td>
                <td>
                  {published && <span class="badge ready">{t('ivr.published')}</span>}{' '}
                  {v.version === summary.currentVersion && <span class="badge">{t('ivr.current')}</span>}
                </td>
                <td class="row">
                  {!published && (
                    <button type="button" disabled={busy !== null} onClick={() => void publish(v.version)} data-testid={`publish-${v.version}`}>
                      {older ? t('ivr.rollback') : t('ivr.publish')}
                    </button>
                  )}
                  <button type="button" class="link" onClick={() => void load(v.version)}>{t('ivr.load')}</button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
