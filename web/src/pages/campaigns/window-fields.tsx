/** Calling hours in the callee's local time: the usual window, each weekday's own (or no calls), and holidays. */
import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n.ts';
import { inputValue } from '../data/format.ts';
import { WEEKDAYS, type DayChoice, type FormState, type Weekday } from './model.ts';
import { Issue } from './parts.tsx';


export function WindowFields({ f, set, errors }: { f: FormState; set: (p: Partial<FormState>) => void; errors: Record<string, string> }) {
  const [holiday, setHoliday] = useState('');
  const day = (d: Weekday, patch: Partial<DayChoice>) => set({ days: { ...f.days, [d]: { ...f.days[d], ...patch } } });
  const addHoliday = () => {
    if (holiday && !f.holidays.includes(holiday)) set({ holidays: [...f.holidays, holiday].sort() });
    setHoliday('');
  };
  return (
    <fieldset data-testid="campaign-window">
      <legend>{t('camp.window')}</legend>
      <div class="row">
        <label class="inline">{t('common.from')}<input type="time" value={f.from} onInput={(e) => set({ from: inputValue(e) })} data-testid="campaign-window-from" /></label>
        <label class="inline">{t('common.to')}<input type="time" value={f.to} onInput={(e) => set({ to: inputValue(e) })} data-testid="campaign-window-to" /></label>
        <span class="small muted">{t('camp.windowHint')}</span>
      </div>
      <table class="window-days"><tbody>{WEEKDAYS.map((d) => {
        const x = f.days[d];
        return (
          <tr>
            <th scope="row">{t(`wizard.day.${d}` as MessageKey)}</th>
            <td>
              <select value={x.kind} aria-label={t(`wizard.day.${d}` as MessageKey)} onChange={(e) => day(d, { kind: inputValue(e) as DayChoice['kind'] })} data-testid={`campaign-day-${d}`}>
                <option value="default">{t('camp.day.default')}</option><option value="custom">{t('camp.day.custom')}</option><option value="off">{t('camp.day.off')}</option>
              </select>
            </td>
            <td>{x.kind === 'custom' && <span class="row">
              <input type="time" value={x.from} aria-label={t('common.from')} onInput={(e) => day(d, { from: inputValue(e) })} />–
              <input type="time" value={x.to} aria-label={t('common.to')} onInput={(e) => day(d, { to: inputValue(e) })} />
            </span>}</td>
          </tr>
        );
      })}</tbody></table>
      <div class="row">
        <label class="inline">{t('camp.holidays')}<input type="date" value={holiday} onInput={(e) => setHoliday(inputValue(e))} data-testid="campaign-holiday" /></label>
        <button type="button" class="small-btn" onClick={addHoliday} disabled={!holiday} data-testid="campaign-holiday-add">{t('common.add')}</button>
        {f.holidays.map((h) => (
          <span class="badge tag">{h} <button type="button" class="link" aria-label={`${t('common.delete')} ${h}`} onClick={() => set({ holidays: f.holidays.filter((x) => x !== h) })}>×</button></span>
        ))}
      </div>
      <Issue errors={errors} field="body.settings.window" />
    </fieldset>
  );
}
