/** Renders a JSON Schema's fields as a Markdown table, so docs cannot drift from the schema. */

interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  items?: JsonSchemaNode;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  format?: string;
}

export function renderFieldTable(schema: JsonSchemaNode): string {
  const rows: string[] = [
    '| field | type | required | default | description |',
    '| --- | --- | --- | --- | --- |',
  ];
  walk(schema, '', rows);
  return rows.join('\n');
}

function walk(node: JsonSchemaNode, prefix: string, rows: string[]): void {
  const required = new Set(node.required ?? []);
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    rows.push(
      `| \`${path}\` | ${typeOf(child)} | ${required.has(name) ? 'yes' : 'no'} | ${
        child.default === undefined ? '' : `\`${JSON.stringify(child.default)}\``
      } | ${escape(child.description ?? '')} |`,
    );
    if (child.properties) walk(child, path, rows);
    if (child.items?.properties) walk(child.items, `${path}[]`, rows);
  }
}

function typeOf(node: JsonSchemaNode): string {
  if (node.enum) return node.enum.map((value) => `\`${JSON.stringify(value)}\``).join(' \\| ');
  if (node.type === 'array' && node.items) return `array of ${typeOf(node.items)}`;
  const base = Array.isArray(node.type) ? node.type.join(' \\| ') : (node.type ?? 'any');
  const bounds = [
    node.format ? `format ${node.format}` : '',
    node.minimum !== undefined ? `≥ ${node.minimum}` : '',
    node.maximum !== undefined ? `≤ ${node.maximum}` : '',
  ].filter(Boolean);
  return bounds.length > 0 ? `${base} (${bounds.join(', ')})` : base;
}

function escape(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function replaceBetweenMarkers(doc: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from === -1 || to === -1 || to < from) {
    throw new Error(`docs: markers ${start} … ${end} not found`);
  }
  return `${doc.slice(0, from + start.length)}\n${content}\n${doc.slice(to)}`;
}
