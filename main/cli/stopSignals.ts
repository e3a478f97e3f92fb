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
  /** `step`, or undefined once the time to stop after a signal is over (a signal that comes during it counts too). */
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
  let interrupt: (error: Interrupted) => void = () => undefined;
  const interrupted = new Promise<never>((_, reject) => (interrupt = reject));
  interrupted.catch(() => undefined);
  let expire: () => void = () => undefined;
  const expired = new Promise<undefined>((resolve) => (expire = () => resolve(undefined)));
  const handler = (received: StopSignal) => {
    if (signal) {
      (options.onSecondSignal ?? ((s) => process.exit(EXIT_CODE[s])))(received);
      return;
    }
    signal = received;
    setTimeout(expire, options.stopMs);
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
    withinStopTime: (step) => {
      step.catch(() => undefined);
      return Promise.race([step, expired]);
    },
    dispose: () => {
      process.removeListener('SIGINT', onInt);
      process.removeListener('SIGTERM', onTerm);
    },
  };
}
