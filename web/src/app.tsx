import { useEffect, useState } from 'preact/hooks';
import type { ComponentType } from 'preact';
import { events } from './api.ts';
import { locale, setLocale, t, type Locale, type MessageKey } from './i18n.ts';
import { me, refreshMe, signOut } from './session.ts';
import { route, go } from './router.ts';
import { useSignal } from './signal.ts';
import { Login } from './pages/login.tsx';
import { Desk } from './pages/desk.tsx';
import { Wallboard } from './pages/wallboard.tsx';
import { ScreenpopEditor } from './pages/screenpop-editor.tsx';
import { Customers } from './pages/customers.tsx';
import { Contacts } from './pages/contacts.tsx';
import { Blacklist } from './pages/blacklist.tsx';
import { Recordings } from './pages/recordings.tsx';
import { Users } from './pages/users.tsx';
import { DemoPanel } from './components/demo-panel.tsx';
import { Toasts } from './components/ui.tsx';
import { lazyPage } from './components/lazy.tsx';
import { useSetupRedirect } from './setup-redirect.ts';

const IvrEditor = lazyPage(() => import('./pages/ivr.tsx').then((m) => m.IvrEditor));
const Reports = lazyPage(() => import('./pages/reports.tsx').then((m) => m.Reports));
const Statistics = lazyPage(() => import('./pages/statistics.tsx').then((m) => m.Statistics));
const SetupWizard = lazyPage(() => import('./pages/setup.tsx').then((m) => m.SetupWizard));
const Campaigns = lazyPage(() => import('./pages/campaigns.tsx').then((m) => m.Campaigns));
const Hardware = lazyPage(() => import('./pages/hardware.tsx').then((m) => m.Hardware));
const SmsPage = lazyPage(() => import('./pages/sms.tsx').then((m) => m.SmsPage));
const Fax = lazyPage(() => import('./pages/fax.tsx').then((m) => m.FaxPage));
const Scorecards = lazyPage(() => import('./pages/scorecards.tsx').then((m) => m.Scorecards));
const Webhooks = lazyPage(() => import('./pages/webhooks.tsx').then((m) => m.WebhooksPage));
const TasksPage = lazyPage(() => import('./pages/tasks.tsx').then((m) => m.TasksPage));
const ComplaintsPage = lazyPage(() => import('./pages/complaints.tsx').then((m) => m.ComplaintsPage));

type Role = 'admin' | 'supervisor' | 'agent';
/** `nav`: the roles the page is listed for in the menu (default: all its roles); the others reach it by link. */
interface Page { id: string; label: MessageKey; roles: Role[]; component: ComponentType<{ params: string[] }>; hidden?: boolean; nav?: Role[] }

const ALL: Role[] = ['admin', 'supervisor', 'agent'];
const LEADS: Role[] = ['admin', 'supervisor'];
export const PAGES: Page[] = [
  { id: 'desk', label: 'nav.desk', roles: ALL, component: Desk },
  { id: 'wallboard', label: 'nav.wallboard', roles: LEADS, component: Wallboard },
  { id: 'campaigns', label: 'nav.campaigns', roles: ALL, nav: LEADS, component: Campaigns },
  { id: 'ivr', label: 'nav.ivr', roles: LEADS, component: IvrEditor },
  { id: 'screenpop', label: 'nav.screenpop', roles: LEADS, component: ScreenpopEditor },
  { id: 'customers', label: 'nav.customers', roles: ALL, component: Customers },
  { id: 'contacts', label: 'nav.contacts', roles: ALL, component: Contacts },
  { id: 'blacklist', label: 'nav.blacklist', roles: ALL, component: Blacklist },
  { id: 'recordings', label: 'nav.recordings', roles: ALL, component: Recordings },
  { id: 'sms', label: 'nav.sms', roles: ALL, component: SmsPage },
  { id: 'fax', label: 'nav.fax', roles: ALL, component: Fax },
  { id: 'tasks', label: 'nav.tasks', roles: ALL, component: TasksPage },
  { id: 'complaints', label: 'nav.complaints', roles: ALL, component: ComplaintsPage },
  { id: 'reports', label: 'nav.reports', roles: LEADS, component: Reports },
  { id: 'scorecards', label: 'nav.scorecards', roles: ALL, component: Scorecards },
  { id: 'statistics', label: 'nav.statistics', roles: LEADS, component: Statistics },
  { id: 'users', label: 'nav.users', roles: ['admin'], component: Users },
  { id: 'hardware', label: 'hardware.nav', roles: ['admin'], component: Hardware },
  { id: 'webhooks', label: 'nav.webhooks', roles: ['admin'], component: Webhooks },
  { id: 'setup', label: 'wizard.title', roles: ['admin'], component: SetupWizard, hidden: true },
];

export function App() {
  const who = useSignal(me);
  const lang = useSignal(locale);
  const path = useSignal(route);
  const [live, setLive] = useState(events.up);

  useEffect(() => { void refreshMe(); }, []);
  useSetupRedirect(who);
  useEffect(() => {
    const off = () => me.set(null);
    window.addEventListener('kefu:signed-out', off);
    return () => window.removeEventListener('kefu:signed-out', off);
  }, []);
  useEffect(() => {
    if (!who) { events.stop(); return; }
    if (who.user?.locale && !localStorage.getItem('kefu.locale')) setLocale(who.user.locale);
    events.start();
    return events.onStatus(setLive);
  }, [who]);

  if (who === undefined) return <div class="center muted">{t('common.loading')}</div>;
  if (who === null) return <Login />;

  const role = (who.user?.role ?? (who.role === 'integrator' ? 'supervisor' : who.role)) as Role;
  const pages = PAGES.filter((p) => p.roles.includes(role));
  const current = pages.find((p) => p.id === path[0]) ?? pages[0]!;
  const Current = current.component;
  return (
    <div class="shell" key={lang}>
      <header class="top">
        <a class="brand" href="#/desk">kefu <span>客服</span></a>
        <nav aria-label="main">
          {pages.filter((p) => !p.hidden && (p.nav ?? p.roles).includes(role)).map((p) => <a href={`#/${p.id}`} class={p === current ? 'active' : ''} aria-current={p === current ? 'page' : undefined}>{t(p.label)}</a>)}
        </nav>
        <div class="who">
          <span class={`dot ${live ? 'up' : 'down'}`} title={live ? t('nav.live') : t('nav.offline')} />
          <label class="sr-only" for="lang">{t('nav.language')}</label>
          <select id="lang" value={lang} onChange={(e) => setLocale((e.target as HTMLSelectElement).value as Locale)} data-testid="language">
            <option value="zh-CN">中文</option>
            <option value="en">English</option>
          </select>
          <span class="muted">{who.name}</span>
          <button type="button" class="link" onClick={() => { void signOut().then(() => go('desk')); }}>{t('nav.signOut')}</button>
        </div>
      </header>
      {who.demo && <DemoPanel />}
      <main id="main"><Current params={path.slice(1)} /></main>
      <Toasts />
    </div>
  );
}
