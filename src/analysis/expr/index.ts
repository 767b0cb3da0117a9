/**
 * Argo Rollouts' `successCondition` / `failureCondition` language (expr-lang/expr) for conditions
 * that come from Argo AnalysisTemplates: the expression is checked once (syntax, names, operators,
 * arities) and then evaluated over each measured `result` with expr's rules, so templates work
 * unchanged: `result[0] >= 0.95`, `len(result) > 0 && all(result, {# < 0.05})`, `isNaN(result)`.
 */
import type { Expression } from 'jsep';
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

type Node = Expression & Record<string, any>;

/** Static checks: known names, operators and arities; `#` only inside a predicate. */
function checkNode(node: Node | null, inPredicate: boolean): string | undefined {
  if (!node) return 'an empty element';
  const check = (child: Node | null, predicate = inPredicate) => checkNode(child, predicate);
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
      return (node.elements as Node[]).map((e) => check(e)).find(Boolean);
    case 'CallExpression':
      return checkCall(node, inPredicate);
    case 'Closure':
      return 'a predicate {…} is only valid as the second argument of all, any, none, one, filter, map or count';
    default:
      return `${node.type} is not supported in a condition`;
  }
}

function checkCall(node: Node, inPredicate: boolean): string | undefined {
  if (node.callee.type !== 'Identifier') return 'only the built-in functions can be called';
  const name = node.callee.name as string;
  const args = node.arguments as Node[];
  const arity = arityProblem(name, args.length);
  if (arity) return arity;
  if (PREDICATE_FUNCTIONS.has(name)) {
    const body = args[1].type === 'Closure' ? args[1].body : args[1];
    return checkNode(args[0], inPredicate) ?? checkNode(body, true);
  }
  return args.map((a) => checkNode(a, inPredicate)).find(Boolean);
}

function evaluate(node: Node, scope: Scope): unknown {
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
      return (node.elements as Node[]).map((e) => evaluate(e, scope));
    case 'CallExpression':
      return call(node, scope);
    default:
      throw new ExprEvalError(`cannot evaluate ${node.type}`);
  }
}

function unary(op: string, value: unknown): unknown {
  if (op === 'not' || op === '!') return !asBool(value, op);
  if (typeof value !== 'number') throw new ExprEvalError(`invalid operation: ${op}${typeName(value)}`);
  return op === '-' ? -value : value;
}

function binary(node: Node, scope: Scope): unknown {
  const op = node.operator as string;
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

function call(node: Node, scope: Scope): unknown {
  const name = node.callee.name as string;
  const args = node.arguments as Node[];
  if (PREDICATE_FUNCTIONS.has(name)) {
    const items = asArray(evaluate(args[0], scope), `${name}()`);
    const body = args[1].type === 'Closure' ? args[1].body : args[1];
    return applyPredicate(name, items, (element) => evaluate(body, { ...scope, element }));
  }
  return FUNCTIONS[name].call(
    args.map((a) => evaluate(a, scope)),
    scope.result,
  );
}
