import { describe, expect, it } from 'vitest';
import { transition } from './machine.ts';
import { isUnsolicitedReg, parseCmgl, parseCpin, parseCpms, parseCsca, parseCsq, parseReg } from './at-replies.ts';

describe('dongle state machine', () => {
  it('goes closed → initialising → searching → ready, and gone → initialising on reopen', () => {
    expect(transition('closed', { type: 'open' })).toBe('initialising');
    expect(transition('initialising', { type: 'sim', sim: 'ready' })).toBe('searching');
    expect(transition('searching', { type: 'registered', yes: true })).toBe('ready');
    expect(transition('ready', { type: 'registered', yes: false })).toBe('searching');
    expect(transition('ready', { type: 'gone' })).toBe('gone');
    expect(transition('gone', { type: 'open' })).toBe('initialising');
    expect(transition('ready', { type: 'stop' })).toBe('closed');
  });
  it('ignores inputs that do not apply', () => {
    expect(transition('closed', { type: 'registered', yes: true })).toBeNull();
    expect(transition('initialising', { type: 'registered', yes: true })).toBeNull();
    expect(transition('ready', { type: 'registered', yes: true })).toBeNull();
    expect(transition('gone', { type: 'sim', sim: 'ready' })).toBeNull();
    expect(transition('closed', { type: 'stop' })).toBeNull();
  });
  it('SIM locked or failed, then ready again', () => {
    expect(transition('initialising', { type: 'sim', sim: 'locked' })).toBe('sim-locked');
    expect(transition('sim-locked', { type: 'sim', sim: 'ready' })).toBe('searching');
    expect(transition('initialising', { type: 'sim', sim: 'error' })).toBe('sim-error');
  });
});

describe('AT replies', () => {
  it('parses SIM, signal, registration, SMS centre, storage and listings', () => {
    expect(parseCpin(['+CPIN: READY'])).toBe('ready');
    expect(parseCpin(['+CPIN: SIM PIN'])).toBe('pin-required');
    expect(parseCpin(['+CPIN: SIM PUK'])).toBe('puk-required');
    expect(parseCsq(['+CSQ: 17,99'])).toEqual({ csq: 17, dbm: -79 });
    expect(parseCsq(['+CSQ: 99,99'])).toEqual({ csq: null, dbm: null });
    expect(parseReg('+CREG: 0,1')).toBe('home');
    expect(parseReg('+CREG: 2,5,"1A2B","00C3"')).toBe('roaming');
    expect(parseReg('+CEREG: 3')).toBe('denied');
    expect(isUnsolicitedReg('+CREG: 1')).toBe(true);
    expect(isUnsolicitedReg('+CREG: 1,"1A2B","00C3"')).toBe(true);
    expect(isUnsolicitedReg('+CREG: 0,1')).toBe(false);
    expect(parseCsca(['+CSCA: "8613800100500",145'])).toBe('+8613800100500');
    expect(parseCsca(['+CSCA: "",129'])).toBeNull();
    expect(parseCpms(['+CPMS: "SM",3,30,"SM",3,30,"SM",3,30'])).toEqual({ used: 3, total: 30 });
    expect(parseCpms(['+CPMS: "SM",0,20,"SM",0,20,"ME",7,100'])).toEqual({ used: 7, total: 100 });
    expect(parseCpms(['+CPMS: "SM",2,20'])).toEqual({ used: 2, total: 20 });
    expect(parseCmgl(['+CMGL: 1,0,,23', '0011AA', '+CMGL: 4,1,,5', 'BBCC'])).toEqual([{ index: 1, pdu: '0011AA' }, { index: 4, pdu: 'BBCC' }]);
  });
});
