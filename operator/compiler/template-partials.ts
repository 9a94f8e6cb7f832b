// The partials a Handlebars source includes by name ({{> name}} and {{#> name}}…{{/name}}), so the
// compiler can check that each names a Template with role: partial. A partial whose name is computed
// ({{> (lookup …)}}) cannot be checked before rendering and is left out.
import Handlebars from 'handlebars';

type Node = hbs.AST.Node;

function nameOf(expr: hbs.AST.Expression): string | undefined {
  return expr.type === 'PathExpression' ? (expr as hbs.AST.PathExpression).original : undefined;
}

/** Names of the partials `source` includes, sorted and without duplicates; [] when it does not parse. */
export function partialNames(source: string): string[] {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch {
    return []; // syntax errors are reported by the syntax check
  }
  const names = new Set<string>();
  const visit = (node: Node | undefined | null): void => {
    if (!node) return;
    const n = node as Node & {
      name?: hbs.AST.Expression;
      body?: Node[];
      program?: hbs.AST.Program | null;
      inverse?: hbs.AST.Program | null;
    };
    if (n.type === 'PartialStatement' || n.type === 'PartialBlockStatement') {
      const name = n.name ? nameOf(n.name) : undefined;
      if (name !== undefined) names.add(name);
    }
    for (const child of n.body ?? []) visit(child);
    visit(n.program);
    visit(n.inverse);
  };
  visit(ast);
  return [...names].sort();
}
