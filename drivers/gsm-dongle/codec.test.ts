import { describe, expect, it } from 'vitest';
import { parse, Submit } from 'node-pdu';
import { decodePdu, encodeSubmit } from './codec.ts';
import { deliverPdus, statusReportPdu } from './sim-pdu.ts';

describe('encodeSubmit', () => {
  it('encodes a short GSM 7-bit message to an E.164 number in one part with a status report request', () => {
    const e = encodeSubmit('+8613800138000', 'Your order has shipped', { statusReport: true, ref: 1 });
    expect(e.encoding).toBe('gsm7');
    expect(e.parts).toHaveLength(1);
    const p = parse(e.parts[0]!.pdu) as Submit;
    expect(p.address.phone).toBe('8613800138000');
    expect(p.type.statusReportRequest).toBe(1);
    expect(p.data.getText()).toBe('Your order has shipped');
    expect(e.parts[0]!.tpduLength).toBe(e.parts[0]!.pdu.length / 2 - 1);
  });

  it('keeps a number containing 00 whole (node-pdu cuts unanchored 00 without the +)', () => {
    const e = encodeSubmit('+8613800138000', 'x', { statusReport: false, ref: 0 });
    expect((parse(e.parts[0]!.pdu) as Submit).address.phone).toBe('8613800138000');
    expect(() => encodeSubmit('8613800138000', 'x', { statusReport: false, ref: 0 })).toThrow(RangeError);
  });

  it('splits long Chinese text into UCS-2 parts that share our 16-bit reference, in order', () => {
    const text = '您好，您的快递已到达小区门口，请尽快领取。'.repeat(8);
    const e = encodeSubmit('+8613800138000', text, { statusReport: false, ref: 0xbeef });
    expect(e.encoding).toBe('ucs2');
    expect(e.parts.length).toBeGreaterThan(1);
    const decoded = e.parts.map((p) => parse(p.pdu) as Submit);
    decoded.forEach((d, i) => {
      const h = d.data.parts[0]!.header!;
      expect(h.getPointer()).toBe(0xbeef);
      expect(h.getCurrent()).toBe(i + 1);
      expect(h.getSegments()).toBe(e.parts.length);
    });
    expect(decoded.map((d) => d.data.getText()).join('')).toBe(text);
  });

  it('splits a long 7-bit message and refuses empty or oversized text', () => {
    const e = encodeSubmit('+8613800138000', 'a'.repeat(400), { statusReport: false, ref: 7 });
    expect(e.encoding).toBe('gsm7');
    // node-pdu cuts 7-bit text into parts of at most 153 septets (it chooses a little less)
    expect(e.parts.length).toBeGreaterThanOrEqual(3);
    expect(e.parts.map((p) => (parse(p.pdu) as Submit).data.getText()).join('')).toBe('a'.repeat(400));
    expect(() => encodeSubmit('+8613800138000', '', { statusReport: false, ref: 0 })).toThrow(RangeError);
    expect(() => encodeSubmit('+8613800138000', 'a'.repeat(1001), { statusReport: false, ref: 0 })).toThrow(RangeError);
  });
});

describe('decodePdu', () => {
  it('reads a single 7-bit deliver with the sender as E.164', () => {
    const [pdu] = deliverPdus({ from: '+8613912345678', text: 'Hello from the network' });
    const d = decodePdu(pdu!);
    expect(d).toMatchObject({ kind: 'deliver', from: '+8613912345678', text: 'Hello from the network', encoding: 'gsm7', part: null });
  });

  it('reads 8-bit (IE 00) and 16-bit (IE 08) concatenation references', () => {
    for (const refBits of [8, 16] as const) {
      const pdus = deliverPdus({ from: '+8613912345678', text: 'x'.repeat(200), refBits, ref: 0x42 });
      expect(pdus).toHaveLength(2);
      const parts = pdus.map(decodePdu);
      parts.forEach((p, i) => expect(p).toMatchObject({ kind: 'deliver', part: { ref: 0x42, total: 2, seq: i + 1, refBits } }));
      expect(parts.map((p) => (p.kind === 'deliver' ? p.text : '')).join('')).toBe('x'.repeat(200));
    }
  });

  it('reads UCS-2 Chinese parts', () => {
    const text = '中文短信测试'.repeat(20);
    const parts = deliverPdus({ from: '+8613912345678', text }).map(decodePdu);
    expect(parts.every((p) => p.kind === 'deliver' && p.encoding === 'ucs2')).toBe(true);
    expect(parts.map((p) => (p.kind === 'deliver' ? p.text : '')).join('')).toBe(text);
  });

  it('reads a status report: delivered, pending and failed', () => {
    expect(decodePdu(statusReportPdu(42, '+8613800138000', 0))).toMatchObject({ kind: 'status-report', reference: 42, recipient: '+8613800138000', outcome: 'delivered' });
    expect(decodePdu(statusReportPdu(43, '+8613800138000', 0x20))).toMatchObject({ outcome: 'pending' });
    expect(decodePdu(statusReportPdu(44, '+8613800138000', 0x41))).toMatchObject({ outcome: 'failed', status: 0x41 });
  });

  it('refuses garbage and SMS-SUBMIT with RangeError', () => {
    for (const bad of ['', 'ZZ', '0', 'FF'.repeat(300), '00FF']) expect(() => decodePdu(bad)).toThrow(RangeError);
    const submit = encodeSubmit('+8613800138000', 'hi', { statusReport: false, ref: 0 }).parts[0]!.pdu;
    expect(() => decodePdu(submit)).toThrow(RangeError);
  });
});
