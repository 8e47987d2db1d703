import { describe, expect, it } from 'vitest';
import { contactsFromVcard, contactsToVcard } from './vcard.ts';
import { emptyDraft, type ContactDraft } from './contact.ts';

describe('contactsFromVcard', () => {
  it('reads vCard 3.0 and 4.0 cards in one file, folded lines and escapes', () => {
    const text = [
      'BEGIN:VCARD', 'VERSION:3.0', 'N:Wang;Fang;;;', 'FN:Wang Fang', 'ORG:Acme Ltd;Sales', 'TITLE:Buyer',
      'TEL;TYPE=CELL,VOICE:+86 138 0013 8000', 'item1.TEL;TYPE=WORK:010-8888', ' 8888', 'EMAIL;TYPE=INTERNET:wf@example.com',
      'ADR;TYPE=WORK:;;1 Main St\\, Unit 2;Beijing;;100000;China', 'NOTE:first\\nsecond', 'CATEGORIES:vip,east', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:4.0', 'FN:Li Lei', 'TEL;VALUE=uri;TYPE="cell,voice":tel:+86-139-0013-9000', 'END:VCARD', '',
    ].join('\r\n');
    const r = contactsFromVcard(text);
    expect(r.errors).toEqual([]);
    expect(r.contacts).toEqual([
      { line: 1, contact: { name: 'Wang Fang', company: 'Acme Ltd Sales', title: 'Buyer', email: 'wf@example.com',
        address: '1 Main St, Unit 2, Beijing, 100000, China', notes: 'first\nsecond', groups: ['vip', 'east'],
        phones: [{ number: '+86 138 0013 8000', label: 'mobile' }, { number: '010-88888888', label: 'work' }] } },
      { line: 15, contact: { ...emptyDraft(), name: 'Li Lei', phones: [{ number: '+86-139-0013-9000', label: 'mobile' }] } },
    ]);
  });

  it('decodes vCard 2.1 CHARSET + QUOTED-PRINTABLE with soft line breaks, and builds a CJK name from N', () => {
    const text = [
      'BEGIN:VCARD', 'VERSION:2.1', 'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=BC=A0;=E4=B8=89;;;',
      'NOTE;CHARSET=UTF-8;QUOTED-PRINTABLE:=E5=A4=87=E6=B3=A8=',
      '=E4=B8=80', 'TEL;CELL:13800138000', 'END:VCARD',
    ].join('\n');
    const r = contactsFromVcard(text);
    expect(r.errors).toEqual([]);
    expect(r.contacts[0]!.contact).toMatchObject({ name: '张三', notes: '备注一', phones: [{ number: '13800138000', label: 'mobile' }] });
  });

  it('decodes GBK quoted-printable', () => {
    const r = contactsFromVcard('BEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=GBK;ENCODING=QUOTED-PRINTABLE:=D5=C5=C8=FD\nEND:VCARD\n');
    expect(r.contacts[0]!.contact.name).toBe('张三');
  });

  it('reports a card without a name, an unterminated card and a file without cards', () => {
    const r = contactsFromVcard('BEGIN:VCARD\nVERSION:3.0\nTEL:1\nEND:VCARD\nBEGIN:VCARD\nFN:X\n');
    expect(r.errors).toEqual([{ line: 1, message: expect.stringMatching(/no name/) }, { line: 5, message: expect.stringMatching(/no END:VCARD/) }]);
    expect(contactsFromVcard('hello').fatal).toMatch(/no vCard found/);
  });
});

describe('contactsToVcard', () => {
  it('writes 3.0 with folded lines that read back the same', () => {
    const c: ContactDraft = { ...emptyDraft(), name: '欧阳; 娜娜', company: 'Big, Co', title: '总经理', email: 'n@example.cn', address: '北京市朝阳区'.repeat(10),
      phones: [{ number: '+8613800138000', label: 'mobile' }, { number: '+861088888888', label: 'tel' }, { number: '+862162345678', label: 'other' }, { number: '+862162345679' }],
      groups: ['vip'], notes: 'a\nb' };
    const text = contactsToVcard([c]);
    expect(text).toMatch(/^BEGIN:VCARD\r\nVERSION:3\.0\r\nFN:欧阳\\; 娜娜\r\n/);
    for (const l of text.split('\r\n')) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(75);
    expect(contactsFromVcard(text).contacts.map((x) => x.contact)).toEqual([c]);
  });
});
