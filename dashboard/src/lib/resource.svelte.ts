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

  constructor(
    key: () => K | null,
    private readonly load: (key: K, signal: AbortSignal) => Promise<T>,
  ) {
    $effect(() => {
      const k = key();
      untrack(() => this.#run(k));
    });
    $effect(() => () => this.#abort?.abort());
  }

  retry = (): void => this.#run(this.#key);

  #run(k: K | null): void {
    this.#key = k;
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
