import { describe, expect, it } from 'vitest';
import { contactsFromCsv, contactsToCsv } from './contacts-csv.ts';
import { emptyDraft, type ContactDraft } from './contact.ts';

describe('contactsFromCsv', () => {
  it('maps English headers, several phone columns and groups', () => {
    const csv = 'Name,Company,Job Title,Mobile,Phone 2,Work Phone,E-mail,Address,Groups,Notes,Unknown\n' +
      'Wang Fang,Acme,Buyer,138 0013 8000,010-88888888; 010-66666666,021 6234 5678,wf@example.com,"Beijing, Chaoyang",vip; east,likes tea,x\n';
    const r = contactsFromCsv(csv);
    expect(r.errors).toEqual([]);
    expect(r.contacts).toEqual([{ line: 2, contact: {
      name: 'Wang Fang', company: 'Acme', title: 'Buyer', email: 'wf@example.com', address: 'Beijing, Chaoyang', notes: 'likes tea',
      groups: ['vip', 'east'],
      phones: [{ number: '138 0013 8000', label: 'mobile' }, { number: '010-88888888' }, { number: '010-66666666' }, { number: '021 6234 5678', label: 'work' }],
    } }]);
  });

  it('maps Chinese headers (with a BOM) and falls back to the company as the name', () => {
    const r = contactsFromCsv('\ufeff姓名,公司,职务,手机,电话,邮箱,地址\r\n张三,华为,经理,13800138000,0755-12345678,zs@example.cn,深圳\r\n,某公司,,13900139000,,,\r\n');
    expect(r.errors).toEqual([]);
    expect(r.contacts.map((c) => c.contact.name)).toEqual(['张三', '某公司']);
    expect(r.contacts[0]!.contact).toMatchObject({ company: '华为', title: '经理', email: 'zs@example.cn', address: '深圳',
      phones: [{ number: '13800138000', label: 'mobile' }, { number: '0755-12345678', label: 'tel' }] });
  });

  it('reports rows without a name or with a bad e-mail by line, and an unknown header', () => {
    const r = contactsFromCsv('name,email,phone\nA,a@x.io,1\n,,2\nB,not-mail,3\n');
    expect(r.contacts.map((c) => c.line)).toEqual([2]);
    expect(r.errors).toEqual([
      { line: 3, message: expect.stringMatching(/no name/) },
      { line: 4, message: expect.stringMatching(/email "not-mail"/) },
    ]);
    expect(contactsFromCsv('foo,bar\n1,2')).toMatchObject({ contacts: [], errors: [], fatal: expect.stringMatching(/header row/) });
  });
});

describe('contactsToCsv', () => {
  it('round-trips through contactsFromCsv (phones come back in column order)', () => {
    const c: ContactDraft = { ...emptyDraft(), name: 'Zhang "Z", San', company: 'A,B', notes: 'two\nlines', groups: ['x', 'y'],
      phones: [{ number: '+8613800138000', label: 'mobile' }, { number: '+861088888888', label: 'tel' }, { number: '+862162345678' }, { number: '+862162345670', label: 'fax' }, { number: '+862162345679', label: 'work' }] };
    const text = contactsToCsv([c, { ...emptyDraft(), name: 'Li' }]);
    expect(text.startsWith('\ufeffname,company,title,mobile,tel,phone,fax phone,work phone,email,')).toBe(true);
    expect(contactsFromCsv(text).contacts.map((x) => x.contact)).toEqual([c, { ...emptyDraft(), name: 'Li' }]);
  });
});
