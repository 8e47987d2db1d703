/**
 * The set-up wizard (admin): find the modem and add the line, prove caller
 * ID with a call from a mobile, set hours and a greeting and publish the
 * first flow. Shown on sign-in while no line exists; later from Hardware.
 */
import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../i18n.ts';
import { go } from '../router.ts';
import { PortStep } from './setup/port-step.tsx';
import { CallStep } from './setup/call-step.tsx';
import { FlowStep } from './setup/flow-step.tsx';
import { nextStep, type Step, type StepEvent } from './setup/types.ts';
import { skipSetup } from '../setup-redirect.ts';

const STEPS: Array<{ kind: Step['kind']; label: MessageKey }> = [
  { kind: 'port', label: 'wizard.step.port' }, { kind: 'call', label: 'wizard.step.call' },
  { kind: 'flow', label: 'wizard.step.flow' }, { kind: 'done', label: 'wizard.step.done' },
];

export function SetupWizard(_props: { params: string[] }) {
  const [step, setStep] = useState<Step>({ kind: 'port' });
  const send = (e: StepEvent) => setStep((s) => nextStep(s, e));
  return (
    <div class="card wizard" data-testid="wizard" data-step={step.kind}>
      <div class="row">
        <h1>{t('wizard.title')}</h1><span class="spacer" />
        {step.kind !== 'done' && <button type="button" class="link" onClick={() => { skipSetup(); go('desk'); }}>{t('wizard.skip')}</button>}
      </div>
      <p class="muted">{t('wizard.intro')}</p>
      <ol class="steps">{STEPS.map((s) => <li key={s.kind} class={s.kind === step.kind ? 'active' : ''} aria-current={s.kind === step.kind ? 'step' : undefined}>{t(s.label)}</li>)}</ol>
      {step.kind === 'port' && <PortStep onLine={(lineId) => send({ type: 'lineChosen', lineId })} />}
      {step.kind === 'call' && <CallStep lineId={step.lineId} />}
      {step.kind === 'flow' && <FlowStep onPublished={(version) => send({ type: 'published', version })} />}
      {step.kind === 'done' && (
        <div data-testid="wizard-done">
          <p class="ok">✓ {t('wizard.doneText')} ({t('wizard.published')} {step.version})</p>
          <div class="row"><a class="button primary" href="#/desk">{t('wizard.toDesk')}</a><a class="button" href="#/hardware">{t('wizard.toHardware')}</a></div>
        </div>
      )}
      {(step.kind === 'call' || step.kind === 'flow') && (
        <div class="row">
          <button type="button" onClick={() => send({ type: 'back' })}>{t('wizard.back')}</button>
          {step.kind === 'call' && <button type="button" class="primary" onClick={() => send({ type: 'next' })} data-testid="wizard-next">{t('wizard.next')}</button>}
        </div>
      )}
    </div>
  );
}
