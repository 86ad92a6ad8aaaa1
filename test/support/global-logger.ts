import { Logger, type LoggerService, type LogLevel } from '@nestjs/common';

/** Nest's process-wide logger state, which `setLogger`, `useLogger` and `overrideLogger` replace. */
interface LoggerStatics {
  staticInstanceRef?: LoggerService;
  logLevels?: LogLevel[];
}

/**
 * Saves Nest's global logger (what every `new Logger(context)` writes to, the library's included)
 * and returns a function that puts it back: a test that captures logs through `setLogger` restores
 * the state it found, so later tests in the file log as they would alone. Nest has no public getter
 * for it, hence the read of its static fields.
 */
export function saveGlobalLogger(): () => void {
  const statics = Logger as unknown as LoggerStatics;
  const { staticInstanceRef, logLevels } = statics;
  return () => {
    statics.staticInstanceRef = staticInstanceRef;
    statics.logLevels = logLevels;
  };
}
