/** Language choice and lookup, pure (the reactive current language is in state.svelte.ts). */
import type { Lang } from './format.ts';
import { MESSAGES, type MessageKey } from './messages.ts';

export const LANGS: readonly Lang[] = ['en', 'id'];
export const LANG_NAMES: Record<Lang, string> = { en: 'English', id: 'Bahasa Indonesia' };

/**
 * The first of the browser's preferred languages that the dashboard speaks ("id-ID", "id",
 * and the old code "in" are Indonesian); English otherwise.
 */
export function detectLang(preferred: readonly string[]): Lang {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if (base === 'id' || base === 'in') return 'id';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export const isLang = (s: unknown): s is Lang => s === 'en' || s === 'id';

/** The label of `key`, with `{name}` placeholders filled from `vars`. */
export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  const text: string = MESSAGES[lang][key] ?? MESSAGES.en[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
}
