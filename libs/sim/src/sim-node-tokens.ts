/**
 * Bootstrap tokens for simulated hosts, one cell at a time: hands out a token until its joins
 * are spoken for, then makes the next (`create`: the operator API's CreateBootstrapToken, or an
 * in-process gateway's token store). A fleet of 10,000 nodes in 20 cells makes 20 tokens of 1,000
 * joins instead of 10,000 calls; a token shared by concurrent boots is made once.
 *
 * Example: uses 2, cells a, a, b, a -> token a1, a1, b1, a2.
 */
export class SimNodeTokens {
  private readonly current = new Map<string, { token: Promise<string>; left: number }>();

  constructor(
    private readonly create: (cell: string, uses: number) => Promise<string>,
    private readonly uses = 1_000,
  ) {}

  /** A token with a join left for a node of `cell`. */
  next(cell: string): Promise<string> {
    let entry = this.current.get(cell);
    if (!entry || entry.left <= 0) {
      const token = this.create(cell, this.uses);
      entry = { token, left: this.uses };
      this.current.set(cell, entry);
      // A failed creation is not handed out again: the next boot makes a fresh one.
      token.catch(() => {
        if (this.current.get(cell)?.token === token) this.current.delete(cell);
      });
    }
    entry.left--;
    return entry.token;
  }

  /**
   * The control plane refused `token` (used up sooner than counted: a join whose answer was lost
   * used it anyway, and the node joined again): the next node of the cell gets a fresh one.
   */
  refused(cell: string, token: string): void {
    const entry = this.current.get(cell);
    if (!entry) return;
    void entry.token.then((current) => {
      if (current === token && this.current.get(cell) === entry) this.current.delete(cell);
    }, () => undefined);
  }
}
