/**
 * One panel's data: loads when what it depends on changes, keeps the last answer on
 * screen while the next one loads, drops answers that arrive out of order, and can be
 * retried. `key` is read reactively (the filters, the account...); null means "nothing to
 * load yet". `load` runs untracked.
 */
import { untrack } from 'svelte';

export class Resource<T, K = unknown> {
  data = $state<T | undefined>(undefined);
  error = $state<Error | null>(null);
  loading = $state(false);
  #seq = 0;
  #abort: AbortController | null = null;
  #key: K | null = null;
  /** The key being loaded or shown, as JSON: what tells a real change from a recomputation. */
  #keyJson: string | null = null;

  constructor(
    key: () => K | null,
    private readonly load: (key: K, signal: AbortSignal) => Promise<T>,
  ) {
    $effect(() => {
      const k = key();
      // A filter change updates the URL and then what is derived from it, so the key is
      // recomputed more than once with the same value: loading again would abort the
      // request just sent and send it again (the server would build every report twice).
      untrack(() => {
        if (JSON.stringify(k) === this.#keyJson && !this.error) return;
        this.#run(k);
      });
    });
    $effect(() => () => this.#abort?.abort());
  }

  retry = (): void => this.#run(this.#key);

  #run(k: K | null): void {
    this.#key = k;
    this.#keyJson = JSON.stringify(k);
    this.#abort?.abort();
    if (k === null) return;
    const seq = ++this.#seq;
    const ctl = (this.#abort = new AbortController());
    this.loading = true;
    this.error = null;
    this.load(k, ctl.signal).then(
      (d) => {
        if (seq !== this.#seq) return;
        this.data = d;
        this.loading = false;
      },
      (err: Error) => {
        if (seq !== this.#seq || err.name === 'AbortError') return;
        this.error = err;
        this.loading = false;
      },
    );
  }
}
