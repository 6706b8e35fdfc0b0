// Parse AsyncAPI documents with the official @asyncapi/parser and print its diagnostics.
// Usage: node asyncapi_check.mjs FILE...   (YAML or JSON)
// Prints one JSON object: {"FILE": [{"code", "severity", "message", "path"}...], ...}
// Severity as the parser gives it: 0 error, 1 warning, 2 information, 3 hint.
import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';

const parser = new Parser();
const result = {};
for (const file of process.argv.slice(2)) {
  const { diagnostics } = await parser.parse(readFileSync(file, 'utf8'), { source: file });
  result[file] = diagnostics.map((d) => ({
    code: d.code, severity: d.severity, message: d.message, path: d.path,
  }));
}
process.stdout.write(JSON.stringify(result));
