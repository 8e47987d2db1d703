/**
 * The leased PBX's gate, on the fake PBX (the far side: Asterisk): commands
 * pass only while the node is open and the lease holds; a lease run out
 * locally (a daemon woken from a stall, before its lease timer closed the
 * gate) refuses them, and nothing reaches the PBX.
 */
import { describe, expect, it } from 'vitest';
import { FakePbx } from '../../../test/support/fake-pbx.ts';
import { LeasedPbx } from './leased-pbx.ts';

describe('leased PBX gate', () => {
  it('refuses every command while closed or while the lease has run out locally; passes them while it holds', async () => {
    const fake = new FakePbx();
    let holds = true;
    const pbx = new LeasedPbx(fake, 'node-a', () => holds);
    await pbx.start();
    await expect(pbx.legs()).rejects.toMatchObject({ code: 'PBX_UNREACHABLE', message: expect.stringContaining('not the owner') });
    await pbx.open();
    const leg = fake.callIn({ number: '+8613800138000' });
    expect(await pbx.legs()).toEqual([leg]);

    holds = false;
    await expect(pbx.hangup(leg)).rejects.toMatchObject({ code: 'PBX_UNREACHABLE', message: expect.stringContaining('has run out') });
    await expect(pbx.play(leg, 'hello', 'p1')).rejects.toMatchObject({ code: 'PBX_UNREACHABLE' });
    expect(fake.leg(leg)).toBeDefined();
    expect(fake.playing('p1')).toBe(false);

    holds = true;
    await pbx.hangup(leg);
    expect(fake.leg(leg)).toBeUndefined();
    await pbx.stop();
  });
});
