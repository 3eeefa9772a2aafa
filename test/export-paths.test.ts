import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { accountDir, runFilePath } from '../api/scheduler/paths.ts';

describe('export file paths', () => {
  const root = path.resolve('/srv/exports');
  test('a valid account id is its own folder; no id leaves EXPORT_DIR', () => {
    expect(accountDir(root, 'demo-co.id_1')).toBe(path.join(root, 'demo-co.id_1'));
    for (const id of ['..', '.', '', '...']) expect(() => accountDir(root, id), id).toThrow(/cannot name a folder/);
    for (const id of ['../etc', 'a/../../b', '..\\x', '%2E%2E', '/abs']) {
      expect(path.dirname(accountDir(root, id)), id).toBe(root);
    }
    expect(path.dirname(path.dirname(runFilePath(root, { account_id: 'demo', file: '../../x.xlsx' })))).toBe(root);
  });
});
