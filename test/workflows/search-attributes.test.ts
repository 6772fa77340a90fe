/** The dev server registers the attributes the workflows write: one list, two spellings. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/search-attributes';

const TYPE_NAMES: Record<string, string> = { KEYWORD: 'Keyword', BOOL: 'Bool', INT: 'Int', DATETIME: 'Datetime' };

test('scripts/search-attributes.sh registers exactly the attributes of workflows/search-attributes.ts', () => {
  const script = readFileSync(path.resolve(__dirname, '../../scripts/search-attributes.sh'), 'utf8');
  const registered = [...script.matchAll(/--search-attribute (\w+)=(\w+)/g)].map(([, name, type]) => `${name}=${type}`).sort();
  const written = SEARCH_ATTRIBUTE_KEYS.map(({ name, type }) => `${name}=${TYPE_NAMES[type]}`).sort();
  expect(registered).toEqual(written);
});
