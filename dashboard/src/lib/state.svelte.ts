/**
 * The dashboard's reactive state: the language (labels and number formats follow it) and
 * the signed-in session. Components read these; reading inside a template or $derived
 * subscribes to changes.
 */
import type { SessionInfo } from '../../../core/wire/session.ts';
import type { Lang } from './format.ts';
import { detectLang, isLang, translate } from './i18n.ts';
import type { MessageKey } from './messages.ts';

const LANG_KEY = 'chat-analytics.lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (isLang(saved)) return saved;
  } catch {
    /* storage blocked: fall back to the browser's language */
  }
  return detectLang(navigator.languages?.length ? navigator.languages : [navigator.language]);
}

export const ui = $state<{ lang: Lang }>({ lang: initialLang() });

export function setLang(lang: Lang): void {
  ui.lang = lang;
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    /* not kept: the choice lasts for this page */
  }
}

/** A label in the current language. */
export const t = (key: MessageKey, vars?: Record<string, string | number>): string => translate(ui.lang, key, vars);

/** The session as GET /api/v1/session answers it; null: signed out. `checked` false until the first answer. */
export const auth = $state<{ session: SessionInfo | null; checked: boolean; expired: boolean }>({ session: null, checked: false, expired: false });
