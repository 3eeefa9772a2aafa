/**
 * A list the API pages by cursor: the first page is a Resource (reloads with the filters),
 * "Load more" appends the next pages until the cursor runs out.
 */
import { untrack } from 'svelte';
import { Resource } from './resource.svelte.ts';

export interface PageOf<T> {
  items: T[];
  next: string | null;
  /** How many items there are in all, when the API says. */
  total?: number | null;
}

export class Paged<T, K> {
  readonly first: Resource<PageOf<T>, K>;
  more = $state<T[]>([]);
  cursor = $state<string | null>(null);
  loadingMore = $state(false);
  moreError = $state<Error | null>(null);

  constructor(
    private readonly key: () => K | null,
    private readonly load: (key: K, cursor: string | null, signal?: AbortSignal) => Promise<PageOf<T>>,
  ) {
    this.first = new Resource(key, (k, signal) => load(k, null, signal));
    $effect(() => {
      const d = this.first.data;
      untrack(() => {
        this.more = [];
        this.cursor = d?.next ?? null;
        this.moreError = null;
      });
    });
  }

  get items(): T[] {
    return [...(this.first.data?.items ?? []), ...this.more];
  }

  loadMore = async (): Promise<void> => {
    const k = untrack(this.key);
    if (k === null || !this.cursor || this.loadingMore) return;
    this.loadingMore = true;
    this.moreError = null;
    try {
      const page = await this.load(k, this.cursor);
      // The filters changed while this page loaded: it belongs to the old list.
      if (JSON.stringify(untrack(this.key)) !== JSON.stringify(k)) return;
      this.more = [...this.more, ...page.items];
      this.cursor = page.next;
    } catch (err) {
      this.moreError = err as Error;
    } finally {
      this.loadingMore = false;
    }
  };
}
