/**
 * How the simulated modems differ. Facts from public bug reports of modem
 * tools: Conexant CX93010 forgets +VCID=1 after a reset; Zoom 3095 needs the
 * DLE sequence repeated to stop +VTX/+VRX and enables caller ID only with
 * #CID=1; USR 5637 takes +VCID=1 and works best at 115200 baud.
 */
import type { Encoding } from './codec.ts';

export type DialectName = 'conexant' | 'usr' | 'zoom' | 'no-progress';

export interface Dialect {
  name: DialectName;
  /** Response lines for the identity commands. */
  identity: { ATI: string[]; ATI3: string[]; '+GMI': string[]; '+GMM': string[]; '+GMR': string[] };
  /** Answer to AT+FCLASS=? */
  fclass: string;
  /** Answer lines to AT+VSM=? (in class 8). */
  vsmList: string[];
  /** Method ids the modem accepts in AT+VSM=, with their encoding. */
  vsmMethods: Record<number, Encoding>;
  /** Answer lines to AT+VLS=? */
  vlsList: string[];
  /** Caller-ID enabling commands the modem accepts. */
  callerIdCommands: string[];
  /** ATZ / AT&F turn caller-ID reporting off again. */
  forgetsCallerIdOnReset: boolean;
  /** Caller-ID lines printed as 'NMBR = 123' instead of 'NMBR=123'. */
  spacedCallerId: boolean;
  /** DLE ! (+VRX) or DLE ETX (+VTX) must arrive this many times before the modem stops. */
  stopRepeat: number;
  /** DLE codes the modem reports when the far end drops during a call. */
  hangupCodes: string[];
  /**
   * 'vcon': ATD...; waits and answers VCON/BUSY/NO ANSWER; 'progress': answers OK at once and reports DLE r/b/d in +VRX;
   * 'blind': answers OK at once and reports nothing, the line's audio in +VRX is the only clue.
   */
  dialStyle: 'vcon' | 'progress' | 'blind';
  preferredBaudRate: number;
}

const conexant: Dialect = {
  name: 'conexant',
  identity: {
    ATI: ['56000'],
    ATI3: ['CX93001-EIS_V0.2002-V92'],
    '+GMI': ['CONEXANT'],
    '+GMM': ['CX93001-EIS_V0.2002-V92'],
    '+GMR': ['V0.2002-V92'],
  },
  fclass: '0,1,1.0,2,8',
  vsmList: [
    '128,"8-BIT LINEAR",(7200,8000,11025)',
    '129,"16-BIT LINEAR",(7200,8000,11025)',
    '130,"8-BIT ALAW",(8000)',
    '131,"8-BIT ULAW",(8000)',
    '132,"IMA ADPCM",(7200,8000,11025)',
  ],
  vsmMethods: { 128: 'u8', 130: 'alaw', 131: 'ulaw' },
  vlsList: ['0,1,4,5,7,9,13'],
  callerIdCommands: ['AT+VCID=1'],
  forgetsCallerIdOnReset: true,
  spacedCallerId: false,
  stopRepeat: 1,
  hangupCodes: ['b', 'b', 'b'],
  dialStyle: 'vcon',
  preferredBaudRate: 115200,
};

const usr: Dialect = {
  name: 'usr',
  identity: {
    ATI: ['5601'],
    ATI3: ['U.S. Robotics 56K FAX USB V1.2.23'],
    '+GMI': ['U.S. Robotics'],
    '+GMM': ['USR5637'],
    '+GMR': ['1.2.23'],
  },
  fclass: '0,1,1.0,2,2.0,8',
  vsmList: [
    '0,"SIGNED PCM",8,0,(8000),(0),(0)',
    '1,"UNSIGNED PCM",8,0,(8000),(0),(0)',
    '4,"ULAW",8,0,(8000),(0),(0)',
  ],
  vsmMethods: { 0: 's8', 1: 'u8', 4: 'ulaw' },
  vlsList: ['0,1,3'],
  callerIdCommands: ['AT+VCID=1', 'AT#CID=1'],
  forgetsCallerIdOnReset: false,
  spacedCallerId: true,
  stopRepeat: 1,
  hangupCodes: ['l'],
  dialStyle: 'progress',
  preferredBaudRate: 115200,
};

const zoom: Dialect = {
  name: 'zoom',
  identity: {
    ATI: ['Zoom 3095'],
    ATI3: ['Zoom 3095 USB Mini External Modem'],
    '+GMI': ['Zoom Telephonics'],
    '+GMM': ['3095'],
    '+GMR': ['2.1.0'],
  },
  fclass: '0,1,1.0,8',
  vsmList: ['130,"8-BIT ALAW",(8000)', '131,"8-BIT ULAW",(8000)', '132,"IMA ADPCM",(8000)'],
  vsmMethods: { 130: 'alaw', 131: 'ulaw' },
  vlsList: ['0,1'],
  callerIdCommands: ['AT#CID=1'],
  forgetsCallerIdOnReset: false,
  spacedCallerId: false,
  stopRepeat: 2,
  hangupCodes: ['d', 'd'],
  dialStyle: 'vcon',
  preferredBaudRate: 57600,
};

/**
 * A voice modem that reports no call progress at all: many soft modems and
 * cheap voice chipsets answer `ATD...;` with OK at once, never send VCON and
 * no DLE r/b. Otherwise it behaves like the Conexant.
 */
const noProgress: Dialect = {
  ...conexant,
  name: 'no-progress',
  identity: { ...conexant.identity, ATI3: ['GENERIC VOICE MODEM'], '+GMI': ['GENERIC'], '+GMM': ['VOICE-56K'] },
  dialStyle: 'blind',
};

const DIALECTS: Readonly<Record<DialectName, Dialect>> = { conexant, usr, zoom, 'no-progress': noProgress };

/** The dialects every driver and contract test runs against ('no-progress' has its own dial tests). */
export const DIALECT_NAMES: readonly DialectName[] = ['conexant', 'usr', 'zoom'];

/** A fresh copy of a dialect (callers may tweak it without touching others). */
export function dialect(name: DialectName): Dialect {
  return structuredClone(DIALECTS[name]);
}
