/**
 * The address book as the IVR's voice directory (src/core/asr/speech.ts):
 * contacts with a seat or a phone, their names and nicknames.
 */
import type { ContactDirectory, DirectoryEntry } from '../core/asr/speech.ts';
import type { ContactRepo } from '../db/repos/contacts.ts';
import type { FlowService } from './flows.ts';

export function contactDirectory(contacts: Pick<ContactRepo, 'directory'>): ContactDirectory {
  return {
    async entries(opts): Promise<DirectoryEntry[]> {
      const list = await contacts.directory(opts);
      return list.map((c) => ({ id: c.id, name: c.name, nicknames: c.nicknames ?? [], seat: c.seat ?? null, number: c.phones[0]?.number ?? null }));
    },
  };
}

/** Demo contacts for the ready-made voice-directory flow (numbers on the demo modem's simulated exchange). */
const DEMO_CONTACTS = [
  { name: 'John Smith', nicknames: ['Johnny'], phones: [{ number: '+8613900139001', label: 'mobile' }] },
  { name: 'Mary Johnson', nicknames: [], phones: [{ number: '+8613900139002', label: 'mobile' }] },
  { name: '王芳', nicknames: ['Wang Fang'], phones: [{ number: '+8613900139004', label: 'mobile' }] },
];

/** `serve --demo`: the ready-made voice-directory flow (demoFlow voice-directory; the main menu's 3 uses the same contacts), and demo contacts when the address book is empty. */
export async function seedVoiceDirectoryDemo(flows: Pick<FlowService, 'installShipped'>, contacts: Pick<ContactRepo, 'list' | 'create'>): Promise<void> {
  await flows.installShipped('voice-directory');
  if ((await contacts.list({ limit: 1 })).items.length > 0) return;
  for (const c of DEMO_CONTACTS) await contacts.create(c);
}
