/** Everything the run started, stopped in reverse on the way out, whatever happened. */
export class Teardown {
  private readonly steps: { what: string; run: () => Promise<unknown> | unknown }[] = [];

  constructor(private readonly report: (line: string, err: unknown) => void) {}

  /** Registers a step; steps run last-added first. */
  add(what: string, run: () => Promise<unknown> | unknown): void {
    this.steps.push({ what, run });
  }

  /**
   * Runs every step once, in reverse; a failing step is reported and the rest still run. A step
   * added while they run (by a start still under way) runs too, before the ones added earlier.
   * Resolves true when no step failed.
   */
  async run(): Promise<boolean> {
    let clean = true;
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.run();
      } catch (err) {
        clean = false;
        this.report(`teardown: ${step.what} failed: ${err instanceof Error ? err.message : String(err)}`, err);
      }
    }
    return clean;
  }
}
