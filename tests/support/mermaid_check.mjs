// Parse Mermaid diagrams with the real `mermaid` package (its parser only, no rendering).
// Reads a JSON array of diagram texts on stdin; prints [{"ok": bool, "type", "error"}...].
import DOMPurify from 'dompurify';

// Outside a browser DOMPurify has no DOM and exposes no hooks; the parser only needs the
// calls to exist (labels are sanitised for rendering, which this check does not do).
for (const name of ['addHook', 'removeHook', 'removeHooks', 'removeAllHooks']) {
  if (typeof DOMPurify[name] !== 'function') DOMPurify[name] = () => {};
}
if (typeof DOMPurify.sanitize !== 'function') DOMPurify.sanitize = (text) => text;
const { default: mermaid } = await import('mermaid');

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const text of JSON.parse(input)) {
  try {
    const parsed = await mermaid.parse(text);
    results.push({ ok: true, type: parsed.diagramType, error: null });
  } catch (error) {
    results.push({ ok: false, type: null, error: String(error.message || error) });
  }
}
process.stdout.write(JSON.stringify(results));
