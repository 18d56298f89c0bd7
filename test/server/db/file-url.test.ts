import { describe, expect, it } from 'vitest';
import { filePath } from '../../../server/db/file-url';

describe('file: database URLs', () => {
  it('name the file as @libsql/client reads them: relative, absolute, localhost, percent-escaped', () => {
    expect(filePath('file:data/herald.db')).toBe('data/herald.db');
    expect(filePath('file:/var/lib/herald/herald.db')).toBe('/var/lib/herald/herald.db');
    expect(filePath('file:///var/lib/herald/herald.db')).toBe('/var/lib/herald/herald.db');
    expect(filePath('file://localhost/var/lib/herald/herald.db')).toBe('/var/lib/herald/herald.db');
    expect(filePath('file:/srv/my%20data/herald.db')).toBe('/srv/my data/herald.db');
    expect(filePath('file::memory:')).toBe(':memory:');
  });

  it('refuse what would otherwise end up in a file name or reach another host', () => {
    expect(() => filePath('file:herald.db?mode=ro')).toThrow(/query strings and fragments/);
    expect(() => filePath('file:herald.db#x')).toThrow(/query strings and fragments/);
    expect(() => filePath('file://fileserver/herald.db')).toThrow(/no host but localhost/);
  });
});
