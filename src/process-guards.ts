/**
 * Process-level fault handlers for the daemon, installed by the `kefu serve`
 * command (never at import). An unhandled promise rejection is logged with
 * its context and the daemon keeps running: one fault must not drop every
 * call in progress. An uncaught exception leaves the process in an unknown
 * state: it is logged as fatal with its context, then `onFatal` stops the
 * daemon and the process exits with code 1, never silently.
 */
import type { Logger } from 'pino';

export interface ProcessGuardOptions {
  /** Where faults are logged. */
  logger: Logger;
  /** Called once after an uncaught exception was logged: stop the daemon and exit non-zero. */
  onFatal: (err: unknown) => void;
  /** The process to guard (a stand-in in tests). Default: `process`. */
  proc?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/** Installs the handlers; returns a function that removes them. */
export function installProcessGuards(opts: ProcessGuardOptions): () => void {
  const proc = opts.proc ?? process;
  let fatal = false;
  const onRejection = (reason: unknown, promise: Promise<unknown>) => {
    opts.logger.error({ err: reason, promise: String(promise), kind: 'unhandledRejection' }, 'unhandled promise rejection (the daemon keeps running)');
  };
  const onException = (err: Error, origin: string) => {
    opts.logger.fatal({ err, origin, kind: 'uncaughtException' }, 'uncaught exception: stopping');
    if (fatal) return;
    fatal = true;
    opts.onFatal(err);
  };
  const onWarning = (warning: Error) => { opts.logger.warn({ err: warning }, 'process warning'); };
  proc.on('unhandledRejection', onRejection);
  proc.on('uncaughtException', onException);
  proc.on('warning', onWarning);
  return () => {
    proc.off('unhandledRejection', onRejection);
    proc.off('uncaughtException', onException);
    proc.off('warning', onWarning);
  };
}
