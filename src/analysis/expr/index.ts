/**
 * Argo Rollouts' `successCondition` / `failureCondition` language (expr-lang/expr) for conditions
 * that come from Argo AnalysisTemplates: the expression is checked once (syntax, names, operators,
 * arities) and then evaluated over each measured `result` with expr's rules, so templates work
 * unchanged: `result[0] >= 0.95`, `len(result) > 0 && all(result, {# < 0.05})`, `isNaN(result)`.
 */
import type { BinaryExpression, CallExpression, CoreExpression, Expression } from 'jsep';
import { arityProblem, FUNCTIONS, PREDICATE_FUNCTIONS, applyPredicate } from './functions.ts';
import { BINARY_OPERATORS, ExprSyntaxError, UNARY_OPERATORS, parseExpr } from './parse.ts';
import {
  ExprEvalError,
  arithmetic,
  asArray,
  asBool,
  compare,
  contained,
  equal,
  indexed,
  asString,
  typeName,
} from './values.ts';

export { ExprEvalError } from './values.ts';
export { ExprSyntaxError } from './parse.ts';

export interface CompiledExpr {
  readonly source: string;
  /** The expression's value for this `result`; throws ExprEvalError. */
  evaluate(result: unknown): unknown;
}

/** Parses and checks `source`; throws ExprSyntaxError naming the first problem. */
export function compileExpr(source: string): CompiledExpr {
  const ast = parseExpr(source);
  const problem = checkNode(ast, false);
  if (problem) throw new ExprSyntaxError(problem);
  return { source, evaluate: (result) => evaluate(ast, { result, element: undefined }) };
}

interface Scope {
  result: unknown;
  /** `#` inside a predicate. */
  element: unknown;
}

/** The `{…}` predicate parse.ts adds to jsep's nodes. */
interface Closure extends Expression {
  type: 'Closure';
  body: Expression;
}
type Node = CoreExpression | Closure;

/** A parsed node, told apart by its `type`: jsep's core nodes and our Closure are all it builds. */
function nodeOf(expression: Expression): Node {
  return expression as Node;
}

/** Static checks: known names, operators and arities; `#` only inside a predicate. */
function checkNode(expression: Expression | null, inPredicate: boolean): string | undefined {
  if (!expression) return 'an empty element';
  const check = (child: Expression | null, predicate = inPredicate) => checkNode(child, predicate);
  const node = nodeOf(expression);
  switch (node.type) {
    case 'Literal':
      return node.value instanceof RegExp ? 'regular expression literals are not supported' : undefined;
    case 'Identifier':
      if (node.name === 'result') return undefined;
      if (node.name === '#') return inPredicate ? undefined : '`#` is only valid inside a predicate';
      return FUNCTIONS[node.name] || PREDICATE_FUNCTIONS.has(node.name)
        ? `${node.name} is a function: call it, e.g. ${node.name}(result)`
        : `unknown name '${node.name}' (a condition sees only \`result\`)`;
    case 'UnaryExpression':
      return UNARY_OPERATORS.has(node.operator)
        ? check(node.argument)
        : `operator ${node.operator} is not supported`;
    case 'BinaryExpression':
      return BINARY_OPERATORS.has(node.operator)
        ? (check(node.left) ?? check(node.right))
        : `operator ${node.operator} is not supported`;
    case 'ConditionalExpression':
      return check(node.test) ?? check(node.consequent) ?? check(node.alternate);
    case 'MemberExpression':
      return check(node.object) ?? (node.computed ? check(node.property) : undefined);
    case 'ArrayExpression':
      return node.elements.map((e) => check(e)).find(Boolean);
    case 'CallExpression':
      return checkCall(node, inPredicate);
    case 'Closure':
      return 'a predicate {…} is only valid as the second argument of all, any, none, one, filter, map or count';
    default:
      return `${expression.type} is not supported in a condition`;
  }
}

function checkCall(node: CallExpression, inPredicate: boolean): string | undefined {
  const callee = nodeOf(node.callee);
  if (callee.type !== 'Identifier') return 'only the built-in functions can be called';
  const name = callee.name;
  const args = node.arguments;
  const arity = arityProblem(name, args.length);
  if (arity) return arity;
  if (PREDICATE_FUNCTIONS.has(name))
    return checkNode(args[0], inPredicate) ?? checkNode(predicateBody(args[1]), true);
  return args.map((a) => checkNode(a, inPredicate)).find(Boolean);
}

/** A predicate function's second argument: a `{…}` predicate, or an expression used as one. */
function predicateBody(argument: Expression): Expression {
  const node = nodeOf(argument);
  return node.type === 'Closure' ? node.body : argument;
}

function evaluate(expression: Expression, scope: Scope): unknown {
  const node = nodeOf(expression);
  switch (node.type) {
    case 'Literal':
      return node.value;
    case 'Identifier':
      return node.name === '#' ? scope.element : scope.result;
    case 'UnaryExpression':
      return unary(node.operator, evaluate(node.argument, scope));
    case 'BinaryExpression':
      return binary(node, scope);
    case 'ConditionalExpression':
      return asBool(evaluate(node.test, scope), 'condition of ?:')
        ? evaluate(node.consequent, scope)
        : evaluate(node.alternate, scope);
    case 'MemberExpression': {
      const target = evaluate(node.object, scope);
      const key = node.computed ? evaluate(node.property, scope) : node.property.name;
      return indexed(target, key, Boolean(node.optional));
    }
    case 'ArrayExpression':
      return node.elements.map((e) => evaluate(e!, scope));
    case 'CallExpression':
      return call(node, scope);
    default:
      throw new ExprEvalError(`cannot evaluate ${expression.type}`);
  }
}

function unary(op: string, value: unknown): unknown {
  if (op === 'not' || op === '!') return !asBool(value, op);
  if (typeof value !== 'number') throw new ExprEvalError(`invalid operation: ${op}${typeName(value)}`);
  return op === '-' ? -value : value;
}

function binary(node: BinaryExpression, scope: Scope): unknown {
  const op = node.operator;
  const left = () => evaluate(node.left, scope);
  const right = () => evaluate(node.right, scope);
  switch (op) {
    case 'and':
    case '&&':
      return asBool(left(), op) && asBool(right(), op);
    case 'or':
    case '||':
      return asBool(left(), op) || asBool(right(), op);
    case '??': {
      const value = left();
      return value === null || value === undefined ? right() : value;
    }
    case '==':
      return equal(left(), right());
    case '!=':
      return !equal(left(), right());
    case '<':
    case '>':
    case '<=':
    case '>=':
      return compare(op, left(), right());
    case 'in':
      return contained(left(), right());
    default:
      return stringOrArithmetic(op, left(), right());
  }
}

function stringOrArithmetic(op: string, a: unknown, b: unknown): unknown {
  switch (op) {
    case 'matches':
      return pattern(asString(b, op)).test(asString(a, op));
    case 'contains':
      return asString(a, op).includes(asString(b, op));
    case 'startsWith':
      return asString(a, op).startsWith(asString(b, op));
    case 'endsWith':
      return asString(a, op).endsWith(asString(b, op));
    default:
      return arithmetic(op, a, b);
  }
}

function pattern(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (err) {
    throw new ExprEvalError(`invalid pattern for matches: ${(err as Error).message}`);
  }
}

function call(node: CallExpression, scope: Scope): unknown {
  const name = String(node.callee.name);
  const args = node.arguments;
  if (PREDICATE_FUNCTIONS.has(name)) {
    const items = asArray(evaluate(args[0], scope), `${name}()`);
    const body = predicateBody(args[1]);
    return applyPredicate(name, items, (element) => evaluate(body, { ...scope, element }));
  }
  return FUNCTIONS[name].call(
    args.map((a) => evaluate(a, scope)),
    scope.result,
  );
}
