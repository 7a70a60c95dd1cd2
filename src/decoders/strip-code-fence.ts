/**
 * Remove one code fence wrapping the whole answer (```` ```markdown ````, ```` ```html ````, bare
 * ```` ``` ````), as Docling does before decoding: models often fence their answer although the prompt
 * asks for bare Markdown or HTML. A fence that wraps only part of the answer is content and stays.
 * @example
 * stripCodeFence('```markdown\n# Hi\n```'); // '# Hi'
 */
export function stripCodeFence(text: string): string {
  const match = /^\s*(`{3,}|~{3,})[ \t]*([\w+-]*)[ \t]*\n([\s\S]*?)\n?[ \t]*\1[ \t]*\s*$/.exec(text);
  if (!match) return text;
  const body = match[3] ?? '';
  // A fence of a program language wraps code, not the answer; only document languages are unwrapped.
  const language = (match[2] ?? '').toLowerCase();
  if (!['', 'markdown', 'md', 'html', 'xml', 'text', 'txt', 'doctags'].includes(language)) return text;
  // An inner fence of the same length means the outer one was not a wrapper.
  if (body.includes(match[1] ?? '```')) return text;
  return body;
}
