// The build gate: rejects JavaScript that Espruino 2v29 cannot run, with the file and line a
// developer edits. It parses with acorn and walks the tree once per rule family. It runs on
// the bundle, after esbuild has lowered what it can, and maps positions back through the
// bundle's source map. The rules are the gaps listed in docs/device.md.
import { parse } from 'acorn';
import type { SourceMap } from './source-map.js';

export interface GateProblem {
  file: string;
  /** 1-based line. */
  line: number;
  /** 0-based column. */
  column: number;
  rule: string;
  message: string;
}

/** A node of acorn's ESTree output, read loosely: only `type` and positions are common. */
interface AstNode {
  type: string;
  start: number;
  loc: { start: { line: number; column: number } };
  [key: string]: unknown;
}

const MISSING_GLOBALS = ['Map', 'Set', 'WeakMap', 'WeakSet', 'Symbol', 'Proxy', 'Reflect'];
const MISSING_MEMBERS = ['Array.from', 'Object.freeze', 'Number.isInteger', 'Number.isNaN', 'Math.trunc', 'Date.UTC'];
const ERROR_CLASSES = /^(Error|TypeError|RangeError|SyntaxError|ReferenceError|EvalError|URIError)$/;
const FUNCTIONS = ['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression'];

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as AstNode).type === 'string';
}

function children(node: AstNode): AstNode[] {
  const found: AstNode[] = [];
  for (const key of Object.keys(node)) {
    if (key === 'loc') continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) found.push(item);
    } else if (isNode(value)) {
      found.push(value);
    }
  }
  return found;
}

/** Visits every node depth first; `visit` returns false to skip a node's children. */
function walk(node: AstNode, visit: (node: AstNode, parent: AstNode | null) => boolean | void, parent: AstNode | null = null): void {
  if (visit(node, parent) === false) return;
  for (const child of children(node)) walk(child, visit, node);
}

function identifierName(node: unknown): string | null {
  return isNode(node) && node.type === 'Identifier' ? (node['name'] as string) : null;
}

/** Names bound anywhere in the script, so a local `Set` or `Map` is not taken for the built-in. */
function declaredNames(program: AstNode): Set<string> {
  const names = new Set<string>();
  walk(program, (node) => {
    const bound = node.type === 'VariableDeclarator' ? node['id'] : FUNCTIONS.includes(node.type) || node.type.startsWith('Class') ? node['id'] : null;
    const name = identifierName(bound);
    if (name) names.add(name);
    if (FUNCTIONS.includes(node.type)) {
      for (const param of node['params'] as AstNode[]) {
        const paramName = identifierName(param);
        if (paramName) names.add(paramName);
      }
    }
  });
  return names;
}

/** Reports whether `node` reads a variable, rather than naming a property or a key. */
function isReference(node: AstNode, parent: AstNode | null): boolean {
  if (parent === null) return true;
  if (parent.type === 'MemberExpression' && parent['property'] === node && !parent['computed']) return false;
  if ((parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && parent['key'] === node && !parent['computed']) return false;
  return true;
}

function memberName(node: unknown): string | null {
  if (!isNode(node) || node.type !== 'MemberExpression' || node['computed']) return null;
  const object = identifierName(node['object']);
  const property = identifierName(node['property']);
  return object && property ? object + '.' + property : null;
}

type Report = (node: AstNode, rule: string, message: string) => void;

function checkFunction(node: AstNode, report: Report): void {
  if (node['async']) report(node, 'async-function', 'async functions and await are not supported: use callbacks or Promise.then');
  if (node['generator']) report(node, 'generator', 'generators are not supported: use a loop or a callback');
  for (const param of node['params'] as AstNode[]) {
    if (param.type === 'AssignmentPattern') report(param, 'default-parameter', 'default parameters are not supported: test for undefined in the body');
    if (param.type === 'RestElement') report(param, 'rest-parameter', 'rest parameters are not supported: pass an array');
  }
}

function checkSyntax(node: AstNode, parent: AstNode | null, report: Report): void {
  const type = node.type;
  if (FUNCTIONS.includes(type)) checkFunction(node, report);
  else if (type === 'ObjectPattern' || type === 'ArrayPattern') {
    if (parent === null || (parent.type !== 'ObjectPattern' && parent.type !== 'ArrayPattern' && parent.type !== 'Property' && parent.type !== 'AssignmentPattern')) {
      report(node, 'destructuring', 'destructuring is not supported: read each property or index into its own variable');
    }
  } else if (type === 'SpreadElement') report(node, 'spread', 'spread (...) is not supported: use concat, a loop or Object.assign');
  else if ((type === 'Property' || type === 'MethodDefinition' || type === 'PropertyDefinition') && node['computed']) {
    report(node, 'computed-key', 'computed keys ({[key]: value}) are not supported: create the object, then assign obj[key] = value');
  } else if (type === 'ChainExpression') report(node, 'optional-chaining', 'optional chaining (?.) is not supported: test for null or undefined first');
  else if ((type === 'BinaryExpression' || type === 'AssignmentExpression') && (node['operator'] === '**' || node['operator'] === '**=')) {
    report(node, 'exponent-operator', 'the ** operator is not supported: use Math.pow');
  } else if ((type === 'ClassDeclaration' || type === 'ClassExpression') && ERROR_CLASSES.test(identifierName(node['superClass']) ?? '')) {
    report(node, 'extends-error', 'classes that extend Error are broken on Espruino: return an error result or throw new Error(message)');
  } else if (type === 'PropertyDefinition' || type === 'StaticBlock' || type === 'PrivateIdentifier') {
    report(node, 'class-field', 'class fields, private names and static blocks are not supported: assign this.name in the constructor');
  }
}

function checkBuiltins(node: AstNode, parent: AstNode | null, declared: Set<string>, report: Report): void {
  const name = identifierName(node);
  if (name && MISSING_GLOBALS.includes(name) && !declared.has(name) && isReference(node, parent)) {
    report(node, 'missing-builtin', name + ' does not exist on Espruino: use a plain object or an array');
  }
  const member = memberName(node);
  if (member && MISSING_MEMBERS.includes(member) && !declared.has(member.split('.')[0] as string)) {
    report(node, 'missing-builtin', member + ' does not exist on Espruino: write the check or the loop by hand');
  }
  if (node.type === 'CallExpression') {
    const callee = memberName(node['callee']);
    const args = node['arguments'] as AstNode[];
    const second = args[1];
    const plainSecond = second === undefined || (second.type === 'Literal' && second['value'] === null) || identifierName(second) === 'undefined';
    if (callee === 'JSON.stringify' && !plainSecond) report(node, 'json-replacer', 'JSON.stringify replacers are not supported: build the object to serialise first');
    if (callee === 'JSON.parse' && args.length > 1) report(node, 'json-reviver', 'JSON.parse revivers are not supported: convert the parsed values afterwards');
  }
}

/**
 * Espruino 2v29's RegExp (src/jswrap_regexp.c) knows `^`, `$`, `|`, classes, capture groups and
 * `*` or `+` after one character. Anything else never matches or throws, and its lexer ends a
 * literal at a `/` inside brackets. Returns the first unsupported feature of `pattern`, or null.
 */
export function unsupportedRegexFeature(pattern: string): string | null {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const next = pattern[i + 1] ?? '';
    if (c === '\\') {
      if (!inClass && /[1-9]/.test(next)) return 'the backreference \\' + next;
      if (!inClass && (next === 'b' || next === 'B')) return 'the assertion \\' + next;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      else if (c === '/') return 'a "/" inside brackets (write \\/)';
    } else if (c === '[') {
      inClass = true;
    } else if (c === '?') {
      return pattern[i - 1] === '(' ? 'the group "(?"' : 'the "?" quantifier';
    } else if (c === '{' && /\d/.test(next)) {
      return 'a {n} quantifier';
    } else if (c === ')' && (next === '*' || next === '+')) {
      return 'a quantified group ")' + next + '"';
    }
  }
  return null;
}

function checkRegex(node: AstNode, report: Report): void {
  const regex = node['regex'] as { pattern: string } | undefined;
  if (node.type !== 'Literal' || regex === undefined) return;
  const feature = unsupportedRegexFeature(regex.pattern);
  if (feature !== null) {
    report(node, 'regex-feature', 'Espruino\'s RegExp does not support ' + feature + ' in /' + regex.pattern + '/: use * or + after single characters, or check the string with a loop');
  }
}

/** Loop `let` shares one binding on Espruino, so a closure made in the loop sees the last value. */
function checkLoopClosures(node: AstNode, report: Report): void {
  const head = node.type === 'ForStatement' ? node['init'] : node.type === 'ForInStatement' || node.type === 'ForOfStatement' ? node['left'] : null;
  if (!isNode(head) || head.type !== 'VariableDeclaration' || head['kind'] === 'var') return;
  const names = (head['declarations'] as AstNode[]).map((declarator) => identifierName(declarator['id'])).filter((name): name is string => name !== null);
  walk(node['body'] as AstNode, (inner) => {
    if (!FUNCTIONS.includes(inner.type)) return true;
    let captures = false;
    walk(inner, (used) => { if (used.type === 'Identifier' && names.includes(used['name'] as string)) captures = true; });
    if (captures) {
      report(inner, 'loop-binding-closure', 'a function made inside this loop uses the loop variable ' + names.join(', ') + ', and Espruino shares one binding for all iterations: move the body into a named function that takes the value');
    }
    return false;
  });
}

/** Espruino does not hoist function declarations: a statement may only call functions declared above it. */
function checkHoisting(statements: AstNode[], report: Report): void {
  statements.forEach((statement, index) => {
    if (statement.type !== 'FunctionDeclaration') return;
    const name = identifierName(statement['id']);
    if (!name) return;
    for (const earlier of statements.slice(0, index)) {
      walk(earlier, (node, parent) => {
        if (FUNCTIONS.includes(node.type) || node.type.startsWith('Class')) return false;
        if (identifierName(node) === name && isReference(node, parent)) {
          report(node, 'function-before-declaration', 'function ' + name + ' is used before its declaration, and Espruino does not hoist functions: move the declaration above this line');
        }
        return true;
      });
    }
  });
}

function blockStatements(node: AstNode): AstNode[] | null {
  if (node.type === 'Program' || node.type === 'BlockStatement' || node.type === 'StaticBlock') return node['body'] as AstNode[];
  if (node.type === 'SwitchCase') return node['consequent'] as AstNode[];
  return null;
}

/**
 * Checks `code` (JavaScript) against the subset Espruino runs. `file` names it in problems;
 * with `map`, problems point at the original source instead of the bundle.
 */
export function checkEspruinoSubset(code: string, file: string, map?: SourceMap): GateProblem[] {
  const problems: GateProblem[] = [];
  const seen = new Set<string>();
  const report: Report = (node, rule, message) => {
    const position = node.loc.start;
    const original = map ? map.originalPosition(position.line, position.column) : null;
    const problem: GateProblem = original
      ? { file: original.source, line: original.line, column: original.column, rule, message }
      : { file, line: position.line, column: position.column, rule, message };
    const key = problem.file + ':' + problem.line + ':' + rule;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push(problem);
  };

  let program: AstNode;
  try {
    program = parse(code, { ecmaVersion: 'latest', sourceType: 'script', locations: true }) as unknown as AstNode;
  } catch (error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc ?? { line: 1, column: 0 };
    return [{ file, line: loc.line, column: loc.column, rule: 'syntax', message: (error as Error).message }];
  }

  const declared = declaredNames(program);
  walk(program, (node, parent) => {
    checkSyntax(node, parent, report);
    checkBuiltins(node, parent, declared, report);
    checkLoopClosures(node, report);
    checkRegex(node, report);
    const statements = blockStatements(node);
    if (statements) checkHoisting(statements, report);
  });
  problems.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  return problems;
}

export function formatProblem(problem: GateProblem): string {
  return problem.file + ':' + problem.line + ':' + (problem.column + 1) + ' ' + problem.rule + ': ' + problem.message;
}
