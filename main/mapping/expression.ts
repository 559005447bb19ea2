/**
 * Entra's attribute-mapping expression language, as the synchronization schema stores a mapping's
 * source (`Switch([IsSoftDeleted], , "False", "True", "True", "False")`, `Join(" ", [givenName], [surname])`).
 * Parsed enough to say which Entra attributes feed a SCIM attribute and to show the expression in
 * words; a text it cannot parse is kept as written, never guessed at.
 */

export type Expression =
  | { readonly kind: 'attribute'; readonly name: string }
  | { readonly kind: 'constant'; readonly value: string }
  /** An argument left out on purpose, as Switch's second one in Entra's soft-delete mapping. */
  | { readonly kind: 'empty' }
  | { readonly kind: 'call'; readonly name: string; readonly args: ReadonlyArray<Expression> };

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at character ${position + 1}`);
  }
}

/** Parses one expression; throws ExpressionError naming where it went wrong. */
export function parseExpression(text: string): Expression {
  let at = 0;
  const skip = () => {
    while (at < text.length && /\s/.test(text[at]!)) at++;
  };
  const parseOne = (): Expression => {
    skip();
    const c = text[at];
    if (c === undefined) throw new ExpressionError('Expression ends too early', at);
    if (c === '[') {
      const end = text.indexOf(']', at + 1);
      if (end < 0) throw new ExpressionError('Attribute name without a closing ]', at);
      const name = text.slice(at + 1, end).trim();
      if (name === '') throw new ExpressionError('Empty attribute name', at);
      at = end + 1;
      return { kind: 'attribute', name };
    }
    if (c === '"') {
      // Entra escapes a quote inside a constant with a backslash.
      let value = '';
      at++;
      for (;;) {
        const ch = text[at];
        if (ch === undefined) throw new ExpressionError('Constant without a closing "', at);
        if (ch === '\\' && at + 1 < text.length) {
          value += text[at + 1];
          at += 2;
          continue;
        }
        at++;
        if (ch === '"') break;
        value += ch;
      }
      return { kind: 'constant', value };
    }
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(at));
    if (!match) throw new ExpressionError(`Unexpected "${c}"`, at);
    const name = match[0];
    at += name.length;
    skip();
    if (text[at] !== '(') throw new ExpressionError(`Function ${name} needs (`, at);
    at++;
    const args: Expression[] = [];
    skip();
    if (text[at] === ')') {
      at++;
      return { kind: 'call', name, args };
    }
    for (;;) {
      skip();
      if (text[at] === ',' || text[at] === ')') args.push({ kind: 'empty' });
      else args.push(parseOne());
      skip();
      const sep = text[at];
      if (sep === ',') {
        at++;
        continue;
      }
      if (sep === ')') {
        at++;
        break;
      }
      throw new ExpressionError(`Function ${name}: expected , or )`, at);
    }
    return { kind: 'call', name, args };
  };
  const expression = parseOne();
  skip();
  if (at < text.length) throw new ExpressionError('Unexpected text after the expression', at);
  return expression;
}

/** Every Entra attribute the expression reads, in order of appearance, once each. */
export function sourceAttributes(expression: Expression): string[] {
  const found: string[] = [];
  const walk = (node: Expression) => {
    if (node.kind === 'attribute' && !found.includes(node.name)) found.push(node.name);
    if (node.kind === 'call') node.args.forEach(walk);
  };
  walk(expression);
  return found;
}

/** The expression back in Entra's syntax (normalised spacing). */
export function formatExpression(expression: Expression): string {
  switch (expression.kind) {
    case 'attribute':
      return `[${expression.name}]`;
    case 'constant':
      return JSON.stringify(expression.value);
    case 'empty':
      return '';
    case 'call':
      return `${expression.name}(${expression.args.map(formatExpression).join(', ')})`;
  }
}

const quoted = (value: string) => `"${value}"`;

function describeArg(node: Expression | undefined): string {
  if (!node || node.kind === 'empty') return '(nothing)';
  if (node.kind === 'constant') return quoted(node.value);
  return describeExpression(node);
}

/**
 * The expression in words an admin reads at a glance: `Switch([IsSoftDeleted], , "False", "True", "True", "False")`
 * becomes `IsSoftDeleted: "False" → "True", "True" → "False", otherwise (nothing)`.
 */
export function describeExpression(expression: Expression): string {
  switch (expression.kind) {
    case 'attribute':
      return expression.name;
    case 'constant':
      return `the constant ${quoted(expression.value)}`;
    case 'empty':
      return '(nothing)';
    case 'call':
      break;
  }
  const { name, args } = expression;
  switch (name.toLowerCase()) {
    case 'switch': {
      const [source, fallback, ...pairs] = args;
      const cases: string[] = [];
      for (let i = 0; i + 1 < pairs.length; i += 2) cases.push(`${describeArg(pairs[i])} → ${describeArg(pairs[i + 1])}`);
      return `${describeArg(source)}: ${cases.join(', ')}, otherwise ${describeArg(fallback)}`;
    }
    case 'join': {
      const [separator, ...parts] = args;
      return `${parts.map(describeArg).join(' + ')} joined with ${describeArg(separator)}`;
    }
    case 'append':
      return args.map(describeArg).join(' + ');
    case 'coalesce':
      return `the first non-empty of ${args.map(describeArg).join(', ')}`;
    case 'singleappRoleassignment'.toLowerCase():
      return `the one app role assigned (${args.map(describeArg).join(', ')})`;
    case 'not':
      return `not ${describeArg(args[0])}`;
    default:
      return `${name}(${args.map(describeArg).join(', ')})`;
  }
}
