import { describe, expect, it } from 'vitest';
import { detectLang, translate } from '../../dashboard/src/lib/i18n.ts';
import { en, id } from '../../dashboard/src/lib/messages.ts';

describe('languages', () => {
  it('follows the browser: Indonesian for id / in, English otherwise', () => {
    expect(detectLang(['id-ID', 'en-US'])).toBe('id');
    expect(detectLang(['in'])).toBe('id');
    expect(detectLang(['fr-FR', 'id'])).toBe('id');
    expect(detectLang(['en-GB', 'id'])).toBe('en');
    expect(detectLang(['ja'])).toBe('en');
    expect(detectLang([])).toBe('en');
  });

  it('every label exists in both languages, with the same placeholders', () => {
    expect(Object.keys(id).sort()).toEqual(Object.keys(en).sort());
    for (const k of Object.keys(en) as Array<keyof typeof en>) {
      expect(id[k].trim(), k).not.toBe('');
      const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(holes(id[k]), k).toEqual(holes(en[k]));
    }
  });

  it('fills placeholders', () => {
    expect(translate('id', 'runs_out_on', { date: '9 Mar 2027' })).toBe('Habis pada 9 Mar 2027');
    expect(translate('en', 'kpi_total_chats')).toBe('Total chats');
    expect(translate('id', 'kpi_total_chats')).toBe('Total obrolan');
  });
});
