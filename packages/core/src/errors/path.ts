/**
 * A path into a request as a JavaScript expression, `documents[3].metadata.tags[0]`, so a user can
 * find the field in their own code. Keys that are not identifiers are quoted: `meta["a b"]`.
 */
export function formatPath(path: readonly (string | number)[], whole = '(body)'): string {
  if (path.length === 0) return whole;
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
