/**
 * Parsing Argo Rollouts' condition language (expr-lang/expr, the subset analysis conditions use)
 * with jsep, a small JavaScript expression parser: jsep already reads literals, member access,
 * calls, arrays, precedence and the ternary; the words and the closure braces of expr are added
 * here. jsep's operator table is global (jsonpath-plus shares it): only additions are made, none of
 * the JavaScript operators it already knows changes meaning.
 */
import jsep, { type Expression } from 'jsep';

/** Word and symbol operators of expr that JavaScript lacks, with jsep precedences (higher binds tighter). */
const WORD_OPERATORS: Record<string, number> = {
  or: 1,
  and: 2,
  in: 7,
  matches: 7,
  contains: 7,
  startsWith: 7,
  endsWith: 7,
};

/** The operators the evaluator implements; anything else jsep accepts is refused at compile time. */
export const BINARY_OPERATORS = new Set([
  ...Object.keys(WORD_OPERATORS),
  '||',
  '&&',
  '==',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '**',
  '??',
]);
export const UNARY_OPERATORS = new Set(['not', '!', '-', '+']);

const OPEN_BRACE = 123;

let configured = false;

/** expr's additions to jsep, once: word operators, `nil`, `#` (the closure's element), `{…}` closures. */
function configure(): void {
  if (configured) return;
  configured = true;
  for (const [op, precedence] of Object.entries(WORD_OPERATORS)) jsep.addBinaryOp(op, precedence);
  jsep.addUnaryOp('not');
  jsep.addLiteral('nil', null);
  jsep.addIdentifierChar('#');
  // `{ # > 0.9 }`: a predicate for all/any/filter…, kept as its own node so calls can tell it apart.
  jsep.hooks.add('gobble-token', function gobbleClosure(env) {
    if (this.code !== OPEN_BRACE) return;
    this.index++;
    const body = this.gobbleExpression();
    this.gobbleSpaces();
    if (this.char !== '}') this.throwError('expected } to close the predicate');
    this.index++;
    env.node = { type: 'Closure', body };
  });
}

export class ExprSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExprSyntaxError';
  }
}

/** The expression's syntax tree; throws ExprSyntaxError with jsep's message. */
export function parseExpr(source: string): Expression {
  configure();
  if (source.trim() === '') throw new ExprSyntaxError('the expression is empty');
  try {
    return jsep(source);
  } catch (err) {
    throw new ExprSyntaxError((err as Error).message);
  }
}
