/**
 * The address book as the IVR's voice directory (src/core/asr/speech.ts):
 * contacts with a seat or a phone, their names and nicknames.
 */
import type { ContactDirectory, DirectoryEntry } from '../core/asr/speech.ts';
import type { ContactRepo } from '../db/repos/contacts.ts';

export function contactDirectory(contacts: Pick<ContactRepo, 'directory'>): ContactDirectory {
  return {
    async entries(opts): Promise<DirectoryEntry[]> {
      const list = await contacts.directory(opts);
      return list.map((c) => ({ id: c.id, name: c.name, nicknames: c.nicknames ?? [], seat: c.seat ?? null, number: c.phones[0]?.number ?? null }));
    },
  };
}
