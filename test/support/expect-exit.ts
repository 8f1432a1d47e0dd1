/** How a program run (local engine or Pulumi CLI) ended, as the program tests read it. */
export interface ProgramExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr, interleaved as they arrived. */
  output: string;
}

/** Fails with the whole output when the run did not exit with `code`, so a red test shows why. */
export function expectExit(run: ProgramExit, code: number): void {
  if (run.code !== code) throw new Error(`expected exit code ${code}, got ${run.code ?? run.signal}; output:\n${run.output}`);
}
