/**
 * Runs an external media tool (espeak-ng, sox...) with an argument array (no
 * shell), optional stdin, a timeout and a byte cap, and turns every failure
 * into KefuError('MEDIA_ERROR') that names the tool.
 */
import { spawn } from 'node:child_process';
import { KefuError } from '../core/errors.ts';

/** Options of {@link runTool}. */
export interface RunToolOptions {
  /** Bytes written to the tool's stdin (then closed). */
  input?: Buffer | string;
  /** Kill the tool after this long. Default 15 s. */
  timeoutMs?: number;
  /** Fail when stdout grows beyond this. Default 64 MiB. */
  maxOutputBytes?: number;
  /** Debian package to name when the tool is missing. */
  packageName?: string;
  signal?: AbortSignal;
}

/** Runs `command args...` and resolves with its stdout. */
export function runTool(command: string, args: string[], opts: RunToolOptions = {}): Promise<Buffer> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const maxOutput = opts.maxOutputBytes ?? 64 * 1024 * 1024;
  const pkg = opts.packageName ?? command;
  return new Promise<Buffer>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], signal: opts.signal });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let failure: KefuError | null = null;
    const fail = (e: KefuError): void => {
      failure ??= e;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => fail(new KefuError('MEDIA_ERROR', `${command} timed out after ${timeoutMs} ms`)), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxOutput) fail(new KefuError('MEDIA_ERROR', `${command} produced more than ${maxOutput} bytes`));
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 4096) err += chunk.toString('utf8');
    });
    child.stdin.on('error', () => {
      // EPIPE when the tool exits early; its exit status tells the story.
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') {
        failure ??= new KefuError('MEDIA_ERROR', `${command} is not installed (install the Debian package "${pkg}")`, { tool: command }, { cause: e });
      } else if (e.name === 'AbortError') {
        failure ??= new KefuError('CANCELLED', `${command} was cancelled`, { tool: command }, { cause: e });
      } else {
        failure ??= new KefuError('MEDIA_ERROR', `${command} could not run: ${e.message}`, { tool: command }, { cause: e });
      }
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      if (code !== 0) {
        const why = sig !== null ? `was killed by ${sig}` : `exited with status ${code}`;
        return reject(new KefuError('MEDIA_ERROR', `${command} ${why}: ${err.trim().split('\n').slice(-3).join(' | ') || 'no message'}`, { tool: command }));
      }
      resolve(Buffer.concat(out));
    });
    child.stdin.end(opts.input ?? '');
  });
}
