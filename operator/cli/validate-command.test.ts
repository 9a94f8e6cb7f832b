// Every folder under tests/fixtures/invalid/ is a small namespace with one class of mistake, and an
// expected.json that says which error `outputstraat validate` must report for it: the code, the file,
// the field path and the resource it concerns, and a piece of the message. The test also checks that
// the message itself tells a reader where to look: file and line, resource and field.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatePaths } from './validate-command.js';

interface Expected {
  code: string;
  /** Relative to the fixture folder. */
  file: string;
  /** Absent for mistakes below the level of a resource (a YAML syntax error). */
  field?: string;
  /** `Kind namespace/name` as errors name it; absent where no resource can be read. */
  resource?: string;
  messageContains: string;
}

const root = resolve(import.meta.dirname, '../../tests/fixtures/invalid');
const folders = readdirSync(root)
  .filter((name) => statSync(join(root, name)).isDirectory())
  .sort();

describe('invalid fixtures', () => {
  it('cover at least 14 classes of mistake', () => {
    expect(folders.length).toBeGreaterThanOrEqual(14);
  });

  describe.each(folders)('%s', (name) => {
    const folder = join(root, name);
    const expected = JSON.parse(readFileSync(join(folder, 'expected.json'), 'utf8')) as Expected;
    const report = validatePaths([relative(process.cwd(), folder)]);
    const describeErrors = () => report.errors.map((e) => `${e.code} ${e.message}`).join('\n');
    const match = report.errors.find(
      (e) =>
        e.code === expected.code &&
        e.file !== undefined &&
        resolve(e.file) === resolve(folder, expected.file) &&
        (expected.field === undefined || e.field === expected.field),
    );

    it('is rejected', () => {
      expect(report.ok).toBe(false);
    });

    it(`reports ${expected.code} in ${expected.file}${expected.field ? ` at ${expected.field}` : ''}`, () => {
      expect(match, `errors reported:\n${describeErrors()}`).toBeDefined();
      expect(match?.line).toBeGreaterThan(0);
      if (expected.resource !== undefined) expect(match?.resource).toBe(expected.resource);
    });

    it('says what is wrong and where: file and line, resource and field', () => {
      const message = match?.message ?? '';
      expect(message).toContain(expected.messageContains);
      expect(message).toContain(`${match?.file}:${match?.line}`);
      if (expected.resource !== undefined) expect(message).toContain(expected.resource);
      if (expected.field !== undefined) expect(message).toContain(expected.field);
    });
  });
});
