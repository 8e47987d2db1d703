/** The address book as the voice directory, on PGlite and PostgreSQL: nicknames, seats, groups, who is reachable. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { openDb } from '../../src/db/open.ts';
import { migrate } from '../../src/db/migrate.ts';
import type { Db } from '../../src/db/types.ts';
import { ContactRepo } from '../../src/db/repos/contacts.ts';
import { contactDirectory, seedVoiceDirectoryDemo } from '../../src/services/voice-directory.ts';
import { FlowService } from '../../src/services/flows.ts';
import { FlowRepo } from '../../src/db/repos/flows.ts';
import pino from 'pino';

describe(`voice directory over the contacts table (${testDbKind()})`, () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let db: Db;
  let contacts: ContactRepo;

  beforeAll(async () => {
    fresh = await freshDatabase();
    db = await openDb(fresh.url);
    await migrate(db);
    contacts = new ContactRepo(db);
  });

  afterAll(async () => {
    await db?.close();
    await fresh?.drop();
  });

  it('lists contacts with a seat or a phone, by group, with nicknames; patches keep them', async () => {
    const a = await contacts.create({ name: 'John Smith', nicknames: ['Johnny'], phones: [{ number: '+8613900139001' }], groups: ['sales'] });
    await contacts.create({ name: '王芳', nicknames: ['小王'], seat: 'seat-2', groups: ['support'] });
    await contacts.create({ name: 'Nobody', groups: ['sales'] });
    expect(a).toMatchObject({ nicknames: ['Johnny'], seat: null });
    const dir = contactDirectory(contacts);
    const all = await dir.entries({ limit: 10 });
    expect(all.map((e) => e.name).sort()).toEqual(['John Smith', '王芳']);
    expect(all.find((e) => e.name === '王芳')).toMatchObject({ nicknames: ['小王'], seat: 'seat-2', number: null });
    expect(all.find((e) => e.name === 'John Smith')).toMatchObject({ nicknames: ['Johnny'], seat: null, number: '+8613900139001' });
    expect((await dir.entries({ groups: ['sales'], limit: 10 })).map((e) => e.name)).toEqual(['John Smith']);
    expect(await dir.entries({ groups: ['nobody-here'], limit: 10 })).toEqual([]);
    expect(await dir.entries({ limit: 1 })).toHaveLength(1);
    const patched = await contacts.update(a.id, { nicknames: ['Jack', 'Johnny'], seat: 'seat-1' });
    expect(patched).toMatchObject({ nicknames: ['Jack', 'Johnny'], seat: 'seat-1' });
  });

  it('the demo seed adds its contacts only to an empty address book', async () => {
    const flows = new FlowService(new FlowRepo(db), pino({ level: 'silent' }), []);
    await seedVoiceDirectoryDemo(flows, contacts);
    expect((await flows.published('voice-directory')).nodes.who!.type).toBe('directory');
    await seedVoiceDirectoryDemo(flows, contacts); // again: nothing changes
    expect((await contacts.list({ limit: 100 })).items.map((c) => c.name)).not.toContain('Mary Johnson');
  });
});
