import Handlebars from 'handlebars';

/** A template syntax problem; `line` and `column` are 1-based. */
export interface TemplateSyntaxProblem {
  message: string;
  line: number;
  column: number;
}

export type ParseResult = { ok: true; ast: hbs.AST.Program } | { ok: false; problem: TemplateSyntaxProblem };

/** Parses a Handlebars source without throwing; the problem, if any, is described for a template author. */
export function parseSource(source: string): ParseResult {
  if (typeof source !== 'string') {
    return { ok: false, problem: { message: 'template source must be a string', line: 1, column: 1 } };
  }
  try {
    return { ok: true, ast: Handlebars.parse(source) };
  } catch (error) {
    return { ok: false, problem: describeParseError(error) };
  }
}

/** Returns the first syntax problem of a Handlebars source, or undefined when it parses. */
export function syntaxError(source: string): TemplateSyntaxProblem | undefined {
  const result = parseSource(source);
  return result.ok ? undefined : result.problem;
}

interface LexerLocation {
  first_line: number;
  first_column: number;
}

/** The jison lexer keeps the location of the token it stopped at; parsing is synchronous, so it is ours. */
function lastLexerLocation(): LexerLocation | undefined {
  const parser = (Handlebars as unknown as { Parser?: { lexer?: { yylloc?: Partial<LexerLocation> } } })
    .Parser;
  const loc = parser?.lexer?.yylloc;
  if (loc === undefined || typeof loc.first_line !== 'number' || typeof loc.first_column !== 'number') {
    return undefined;
  }
  return { first_line: loc.first_line, first_column: loc.first_column };
}

function describeParseError(error: unknown): TemplateSyntaxProblem {
  const raw = error instanceof Error ? error.message : String(error);
  const withLocation = error as { lineNumber?: unknown; column?: unknown };

  // Handlebars.Exception from the AST builder ("if doesn't match each - 2:3"): 0-based column.
  if (typeof withLocation.lineNumber === 'number' && typeof withLocation.column === 'number') {
    const message = raw.replace(/ - \d+:\d+$/, '');
    const mismatch = /^(\S+) doesn't match (\S+)$/.exec(message);
    return {
      message: mismatch === null ? message : `{{#${mismatch[1]}}} is closed by {{/${mismatch[2]}}}`,
      line: withLocation.lineNumber,
      column: withLocation.column + 1,
    };
  }

  // Jison parser or lexer error: "Parse error on line 2:\n<excerpt>\n---^\nExpecting 'ID', …, got 'CLOSE'".
  const lexed = lastLexerLocation();
  const lineFromMessage = /on line (\d+)/.exec(raw)?.[1];
  const line = lexed?.first_line ?? (lineFromMessage === undefined ? 1 : Number(lineFromMessage));
  const column = lexed === undefined ? 1 : lexed.first_column + 1;

  if (raw.startsWith('Lexical error')) {
    return { message: 'unrecognised text (an unclosed comment or tag?)', line, column };
  }
  const expecting = /Expecting (.*), got '([^']+)'/.exec(raw);
  if (expecting !== null) {
    const expected = describeExpected(
      [...(expecting[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1] ?? ''),
    );
    const got = TOKEN_NAMES[expecting[2] ?? ''] ?? `'${expecting[2]}'`;
    return { message: `unexpected ${got}; expected ${expected}`, line, column };
  }
  const firstLine = raw.split('\n')[0] ?? raw;
  return { message: firstLine, line, column };
}

const TOKEN_NAMES: Record<string, string> = {
  EOF: 'end of template',
  CLOSE: '"}}"',
  CLOSE_UNESCAPED: '"}}}"',
  CLOSE_RAW_BLOCK: '"}}}}"',
  END_RAW_BLOCK: '"{{{{/"',
  OPEN: '"{{"',
  OPEN_UNESCAPED: '"{{{"',
  OPEN_RAW_BLOCK: '"{{{{"',
  OPEN_BLOCK: '"{{#"',
  OPEN_ENDBLOCK: '"{{/"',
  OPEN_INVERSE: '"{{^"',
  OPEN_INVERSE_CHAIN: '"{{else …"',
  INVERSE: '"{{else}}"',
  OPEN_PARTIAL: '"{{>"',
  OPEN_PARTIAL_BLOCK: '"{{#>"',
  OPEN_SEXPR: '"("',
  CLOSE_SEXPR: '")"',
  OPEN_BLOCK_PARAMS: '"as |"',
  CLOSE_BLOCK_PARAMS: '"|"',
  EQUALS: '"="',
  SEP: '"."',
  ID: 'a name',
  STRING: 'a string',
  NUMBER: 'a number',
  BOOLEAN: 'true/false',
  UNDEFINED: 'undefined',
  NULL: 'null',
  DATA: 'an @variable',
  CONTENT: 'text',
  COMMENT: 'a comment',
  INVALID: 'invalid text',
};

const VALUE_TOKENS = new Set([
  'ID',
  'STRING',
  'NUMBER',
  'BOOLEAN',
  'UNDEFINED',
  'NULL',
  'DATA',
  'OPEN_SEXPR',
]);
const STATEMENT_TOKENS = new Set([
  'CONTENT',
  'COMMENT',
  'OPEN',
  'OPEN_UNESCAPED',
  'OPEN_RAW_BLOCK',
  'OPEN_BLOCK',
  'OPEN_INVERSE',
  'OPEN_PARTIAL',
  'OPEN_PARTIAL_BLOCK',
]);

function describeExpected(tokens: string[]): string {
  const out: string[] = [];
  const add = (text: string): void => {
    if (!out.includes(text)) out.push(text);
  };
  for (const token of tokens) {
    if (VALUE_TOKENS.has(token)) add('a name or value');
    else if (STATEMENT_TOKENS.has(token)) add('text or a tag');
    else add(TOKEN_NAMES[token] ?? `'${token}'`);
  }
  if (out.length === 0) return 'something else';
  if (out.length === 1) return out[0] ?? '';
  return `${out.slice(0, -1).join(', ')} or ${out[out.length - 1]}`;
}
