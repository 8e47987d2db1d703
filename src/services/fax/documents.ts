/**
 * Fax documents on disk: PDF -> TIFF-F with ghostscript (G3, 204x196 dpi,
 * 1728 dots wide: what every fax machine takes), TIFF -> PDF with libtiff's
 * tiff2pdf (for viewing), a page rendered as PNG for the console. Each tool
 * runs with a time limit and bounded output; a failure is a KefuError that
 * says which tool and why (MEDIA_ERROR), or UNPROCESSABLE for a document
 * that is not a readable PDF.
 */
import { KefuError } from '../../core/errors.ts';
import { runTool } from '../../media/run-tool.ts';

const TOOL_TIMEOUT_MS = 120_000;
const PACKAGES: Record<string, string> = { gs: 'ghostscript', tiff2pdf: 'libtiff-tools' };

/** Runs a document tool (bounded by runTool) and says what it was doing when it failed. */
async function run(cmd: string, args: string[], what: string): Promise<string> {
  try {
    return (await runTool(cmd, args, { timeoutMs: TOOL_TIMEOUT_MS, maxOutputBytes: 1_048_576, packageName: PACKAGES[cmd] })).toString('utf8');
  } catch (err) {
    throw new KefuError('MEDIA_ERROR', `${what}: ${err instanceof Error ? err.message : String(err)}`, { tool: cmd }, { cause: err });
  }
}

/** The number of pages of a PDF (ghostscript), or UNPROCESSABLE when it is none. */
export async function pdfPageCount(pdf: string): Promise<number> {
  const out = await run('gs', ['-q', '-dNODISPLAY', '-dSAFER', '-dBATCH', '-dNOPAUSE', `--permit-file-read=${pdf}`,
    '-c', `(${pdf.replace(/[()\\]/g, '\\$&')}) (r) file runpdfbegin pdfpagecount = quit`], 'counting PDF pages')
    .catch((err: unknown) => { throw new KefuError('UNPROCESSABLE', 'document: not a readable PDF', { field: 'document' }, { cause: err }); });
  const n = Number.parseInt(out.trim().split('\n').pop() ?? '', 10);
  if (!Number.isFinite(n) || n < 1) throw new KefuError('UNPROCESSABLE', 'document: the PDF has no pages', { field: 'document' });
  return n;
}

/** PDF -> TIFF-F (G3 2-D, fine resolution, A4 fitted to the fax width). */
export async function pdfToFaxTiff(pdf: string, tiff: string): Promise<void> {
  await run('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=tiffg3', '-r204x196', '-sPAPERSIZE=a4', '-dFIXEDMEDIA', '-dPDFFitPage',
    `-sOutputFile=${tiff}`, pdf], 'converting the PDF to a fax TIFF')
    .catch((err: unknown) => { throw new KefuError('UNPROCESSABLE', 'document: the PDF could not be converted to fax pages', { field: 'document' }, { cause: err }); });
}

/** TIFF -> PDF (each fax page one PDF page, at its own resolution). */
export async function faxTiffToPdf(tiff: string, pdf: string): Promise<void> {
  await run('tiff2pdf', ['-o', pdf, tiff], 'making a PDF of the fax');
}

/** One page (1-based) of a fax TIFF as PNG at `dpi`, via ghostscript on the PDF. */
export async function renderPdfPage(pdf: string, pageNo: number, png: string, dpi = 100): Promise<void> {
  await run('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=pnggray', `-r${dpi}`, `-dFirstPage=${pageNo}`, `-dLastPage=${pageNo}`,
    `-sOutputFile=${png}`, pdf], `rendering page ${pageNo}`);
}
