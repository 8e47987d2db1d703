/** Choose a file, send it, show what was imported and which lines were refused. */
import { useState } from 'preact/hooks';
import { t } from '../../i18n.ts';
import { ErrorNote, errorText } from '../../components/ui.tsx';
import { fill } from './format.ts';

export interface ImportSummary { added: number; skipped: number; errors: Array<{ line: number; message: string }> }

export function ImportBox({ title, accept, send, testid, onDone }: {
  title: string; accept: string; testid: string;
  send: (text: string, file: File) => Promise<ImportSummary>; onDone: () => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ImportSummary | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true); setError(null); setResult(null);
    try {
      const r = await send(await file.text(), file);
      setResult(r);
      onDone();
    } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  return (
    <form class="import-box" onSubmit={(e) => void submit(e)} aria-label={title}>
      <div class="toolbar">
        <label>{title}<input type="file" accept={accept} onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} data-testid={`${testid}-file`} /></label>
        <button type="submit" disabled={!file || busy} data-testid={`${testid}-submit`}>{busy ? t('common.loading') : t('common.import')}</button>
      </div>
      <ErrorNote error={error} />
      {result && (
        <div role="status" data-testid={`${testid}-result`}>
          <p class="ok">{fill(t('data.importResult'), { added: result.added, skipped: result.skipped })}</p>
          {result.errors.length > 0 && (
            <details open={result.errors.length <= 10}>
              <summary>{fill(t('data.importErrors'), { n: result.errors.length })}</summary>
              <ul class="issues small">{result.errors.slice(0, 200).map((x) => <li key={x.line}>{fill(t('data.line'), { n: x.line })}: {x.message}</li>)}</ul>
            </details>
          )}
        </div>
      )}
    </form>
  );
}
