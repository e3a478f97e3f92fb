/** Thrown out of a step that was cut short by SIGINT/SIGTERM. */
export class Interrupted extends Error {
  override name = 'Interrupted';
}

/** Shell convention: 128 + the signal's number. */
const EXIT_CODE = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof EXIT_CODE;

export interface StopSignals {
  /** The signal received, null while none was. */
  readonly signal: StopSignal | null;
  /** The exit code the signal asks for (null while none came). */
  readonly exitCode: number | null;
  /** `step`'s result, or Interrupted as soon as a signal comes (the step itself runs on). */
  race<T>(step: Promise<T>): Promise<T>;
  /** `step`, given at most what is left of the time to stop once a signal came (then undefined). */
  withinStopTime<T>(step: Promise<T>): Promise<T | undefined>;
  dispose(): void;
}

export interface StopOptions {
  /** From the signal to the command's return: what cleanup gets before it is abandoned. */
  stopMs: number;
  onSignal(signal: StopSignal): void;
  /** A second signal: the user insists (a second Ctrl+C); by default the process exits at once. */
  onSecondSignal?: (signal: StopSignal) => void;
}

/**
 * SIGINT (Ctrl+C) and SIGTERM for a long command: the first one interrupts whatever step is
 * running (start-up included) and starts the clock for cleanup; cleanup that takes longer than
 * `stopMs` is left behind, since everything kept is already on disk by then.
 */
export function watchStopSignals(options: StopOptions): StopSignals {
  let signal: StopSignal | null = null;
  let stoppedAt = 0;
  let interrupt: (error: Interrupted) => void = () => undefined;
  const interrupted = new Promise<never>((_, reject) => (interrupt = reject));
  interrupted.catch(() => undefined);
  const handler = (received: StopSignal) => {
    if (signal) {
      (options.onSecondSignal ?? ((s) => process.exit(EXIT_CODE[s])))(received);
      return;
    }
    signal = received;
    stoppedAt = performance.now();
    options.onSignal(received);
    interrupt(new Interrupted(`interrupted by ${received}`));
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    get signal() {
      return signal;
    },
    get exitCode() {
      return signal ? EXIT_CODE[signal] : null;
    },
    race: (step) => {
      step.catch(() => undefined); // a step left running may still fail: nobody waits for it then
      return Promise.race([step, interrupted]);
    },
    withinStopTime: async (step) => {
      step.catch(() => undefined);
      if (!signal) return step;
      const left = options.stopMs - (performance.now() - stoppedAt);
      if (left <= 0) return undefined;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), left)));
      try {
        return await Promise.race([step, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    dispose: () => {
      process.removeListener('SIGINT', onInt);
      process.removeListener('SIGTERM', onTerm);
    },
  };
}
