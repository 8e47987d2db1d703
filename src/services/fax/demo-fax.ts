/**
 * The demo's fax line (`kefu serve --demo`): a simulated class 2.0 fax modem
 * whose far side calls once, shortly after start, with a two-page welcome
 * fax, so a newcomer finds a fax in the inbox; more with `ring()`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { runTool } from '../../media/run-tool.ts';
import { readFaxPages, type FaxPage } from '../../core/fax/tiff.ts';
import { createFaxModem, startSimulatedFaxModem } from '../../drivers.ts';
import { FaxService } from './fax-service.ts';

export const DEMO_FAX_LINE_ID = 'demo-fax';

const PAGES = [
  ['kefu demo fax', 'Page 1 of 2', 'This fax came in on the demo fax line,', 'a simulated class 2.0 fax modem.', 'Find it in the fax inbox (GET /api/v1/fax).'],
  ['kefu demo fax', 'Page 2 of 2', 'Send one back with POST /api/v1/fax', '(a PDF, ?number=...&line=demo-fax).'],
];

/** The welcome fax as coded pages in the modem's bit order. */
async function welcomePages(): Promise<FaxPage[]> {
  const dir = await mkdtemp(join(tmpdir(), 'kefu-demo-fax-'));
  try {
    const ps = PAGES.map((lines) => [
      '/Helvetica-Bold findfont 40 scalefont setfont 72 720 moveto', `(${lines[0]}) show`, '/Helvetica findfont 22 scalefont setfont',
      ...lines.slice(1).map((l, i) => `72 ${650 - i * 40} moveto (${l.replace(/[()\\]/g, '')}) show`), '4 setlinewidth 50 50 495 742 rectstroke showpage',
    ].join('\n')).join('\n');
    await writeFile(join(dir, 'welcome.ps'), `%!PS\n${ps}\n`);
    await runTool('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=tiffg3', '-r204x196', '-sPAPERSIZE=a4',
      `-sOutputFile=${join(dir, 'welcome.tif')}`, join(dir, 'welcome.ps')], { timeoutMs: 30_000, packageName: 'ghostscript' });
    return readFaxPages(await readFile(join(dir, 'welcome.tif'))).map((p) => (p.fillOrder === 2 ? p : { ...p, fillOrder: 2, data: Buffer.from(p.data.map(reverse)) }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function reverse(b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) if (b & (1 << i)) r |= 1 << (7 - i);
  return r;
}

/** Adds the demo fax line to `fax` (before fax.start()); `ring()` makes its far side send the welcome fax. */
export async function addDemoFaxLine(fax: FaxService, logger: Logger, maxPages: number): Promise<{ ring(): Promise<void>; close(): Promise<void> }> {
  const sim = await startSimulatedFaxModem();
  fax.addLine(FaxService.modemLine(DEMO_FAX_LINE_ID, createFaxModem({ id: DEMO_FAX_LINE_ID, port: sim.driverPath, baudRate: 115200 }, logger, maxPages)));
  sim.simulator.remote('13680000001', { kind: 'fax', stationId: 'DEMO RECEIVER' });
  return {
    async ring() {
      try {
        sim.simulator.ring(await welcomePages(), '+86 10 8000 0000', 1000);
      } catch (err) {
        logger.warn({ err }, 'demo fax not made (is ghostscript installed?)');
      }
    },
    close: () => sim.close(),
  };
}
