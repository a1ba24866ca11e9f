/** Everything the run started, stopped in reverse on the way out, whatever happened. */
export class Teardown {
  private readonly steps: { what: string; run: () => Promise<unknown> | unknown }[] = [];

  constructor(private readonly report: (line: string) => void) {}

  /** Registers a step; steps run last-added first. */
  add(what: string, run: () => Promise<unknown> | unknown): void {
    this.steps.push({ what, run });
  }

  /** Runs every step once, in reverse; a failing step is reported and the rest still run. */
  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (err) {
        this.report(`teardown: ${step.what} failed: ${(err as Error).message}`);
      }
    }
  }
}
