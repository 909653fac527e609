// Python jmespath's Pratt parser, ported rule for rule so that the CLI's --query is read the same way (the
// same trees, including its quirks such as `a[0][1:]` not projecting) and refused with the same messages.
import { pyStr } from '../py-text.js';
import { IDENTITY, type Comparator, type KeyValue, type Node } from './ast.js';
import { incompleteError, parseError, reprNames } from './jmespath-error.js';
import { tokenize, type Token } from './lexer.js';

const BINDING_POWER: Readonly<Record<string, number>> = {
  eof: 0, unquoted_identifier: 0, quoted_identifier: 0, literal: 0, rbracket: 0, rparen: 0, comma: 0, rbrace: 0,
  number: 0, current: 0, expref: 0, colon: 0, pipe: 1, or: 2, and: 3, eq: 5, gt: 5, lt: 5, gte: 5, lte: 5, ne: 5,
  flatten: 9, star: 20, filter: 21, dot: 40, not: 45, lbrace: 50, lbracket: 55, lparen: 60,
};
/** Tokens binding less than this end a projection. */
const PROJECTION_STOP = 10;
const COMPARATORS = new Set(['eq', 'ne', 'lt', 'gt', 'lte', 'gte']);
const IDENTIFIERS = ['quoted_identifier', 'unquoted_identifier'];
const DOT_RHS = ['quoted_identifier', 'unquoted_identifier', 'lbracket', 'lbrace'];

export const parseExpression = (expression: string): Node => {
  const tokens = tokenize(expression);
  let index = 0;

  const token = (offset = 0): Token => tokens[index + offset] ?? tokens[tokens.length - 1]!;
  const current = (): string => token().type;
  const advance = (): void => {
    index++;
  };
  const bp = (type: string): number => BINDING_POWER[type] ?? 0;
  const failAt = (t: Token, reason: string): never => {
    throw parseError(expression, t, reason);
  };
  // _raise_parse_error_maybe_eof: running out of tokens is an incomplete expression, not a bad token.
  const failExpecting = (expected: string, t: Token): never => {
    if (t.type === 'eof') throw incompleteError(expression, Array.from(expression).length);
    return failAt(t, `Expecting: ${expected}, got: ${t.type}`);
  };
  const match = (type: string): void => {
    if (current() === type) advance();
    else failExpecting(type, token());
  };

  const parse = (bindingPower = 0): Node => {
    const leftToken = token();
    advance();
    let left = nud(leftToken);
    while (bindingPower < bp(current())) {
      const t = token();
      advance();
      left = led(t, left);
    }
    return left;
  };

  const nud = (t: Token): Node => {
    switch (t.type) {
      case 'literal':
        return { type: 'literal', value: t.value };
      case 'unquoted_identifier':
        return { type: 'field', name: t.value as string };
      case 'quoted_identifier':
        if (current() === 'lparen') failAt({ ...token(), start: 0 }, 'Quoted identifier not allowed for function names.');
        return { type: 'field', name: t.value as string };
      case 'star':
        return { type: 'value_projection', left: IDENTITY, right: current() === 'rbracket' ? IDENTITY : projectionRhs(bp('star')) };
      case 'filter':
        return filter(IDENTITY);
      case 'lbrace':
        return multiSelectHash();
      case 'lparen': {
        const inner = parse();
        match('rparen');
        return inner;
      }
      case 'flatten':
        return { type: 'projection', left: { type: 'flatten', child: IDENTITY }, right: projectionRhs(bp('flatten')) };
      case 'not':
        return { type: 'not_expression', child: parse(bp('not')) };
      case 'lbracket':
        if (current() === 'number' || current() === 'colon') return projectIfSlice(IDENTITY, indexExpression());
        if (current() === 'star' && token(1).type === 'rbracket') {
          advance();
          advance();
          return { type: 'projection', left: IDENTITY, right: projectionRhs(bp('star')) };
        }
        return multiSelectList();
      case 'current':
        return { type: 'current' };
      case 'expref':
        return { type: 'expref', child: parse(bp('expref')) };
      case 'eof':
        throw incompleteError(expression, Array.from(expression).length);
      default:
        return failAt(t, 'invalid token');
    }
  };

  const led = (t: Token, left: Node): Node => {
    switch (t.type) {
      case 'dot':
        if (current() !== 'star') {
          const right = dotRhs(bp('dot'));
          if (left.type === 'subexpression') {
            left.children.push(right);
            return left;
          }
          return { type: 'subexpression', children: [left, right] };
        }
        advance();
        return { type: 'value_projection', left, right: projectionRhs(bp('dot')) };
      case 'pipe':
      case 'or':
      case 'and': {
        const type = t.type === 'pipe' ? 'pipe' : t.type === 'or' ? 'or_expression' : 'and_expression';
        return { type, left, right: parse(bp(t.type)) };
      }
      case 'lparen':
        return functionCall(left);
      case 'filter':
        return filter(left);
      case 'flatten':
        return { type: 'projection', left: { type: 'flatten', child: left }, right: projectionRhs(bp('flatten')) };
      case 'lbracket':
        if (current() === 'number' || current() === 'colon') {
          const right = indexExpression();
          if (left.type === 'index_expression') {
            left.children.push(right);
            return left;
          }
          return projectIfSlice(left, right);
        }
        match('star');
        match('rbracket');
        return { type: 'projection', left, right: projectionRhs(bp('star')) };
      default:
        if (COMPARATORS.has(t.type)) return { type: 'comparator', op: t.type as Comparator, left, right: parse(bp(t.type)) };
        // The loop only calls led for tokens that bind; Python reports the token as if not yet consumed.
        return failAt(t, 'invalid token');
    }
  };

  const functionCall = (left: Node): Node => {
    if (left.type !== 'field') {
      const name = token(-2);
      return failAt(name, `Invalid function name '${pyStr(name.value)}'`);
    }
    const args: Node[] = [];
    while (current() !== 'rparen') {
      args.push(parse());
      if (current() === 'comma') match('comma');
    }
    match('rparen');
    return { type: 'function_expression', name: left.name, args };
  };

  const filter = (left: Node): Node => {
    const condition = parse(0);
    match('rbracket');
    const right = current() === 'flatten' ? IDENTITY : projectionRhs(bp('filter'));
    return { type: 'filter_projection', left, right, condition };
  };

  const indexExpression = (): Node => {
    if (token().type === 'colon' || token(1).type === 'colon') return sliceExpression();
    const node: Node = { type: 'index', index: token().value as number };
    advance();
    match('rbracket');
    return node;
  };

  const sliceExpression = (): Node => {
    const parts: (number | null)[] = [null, null, null];
    let at = 0;
    while (current() !== 'rbracket' && at < 3) {
      if (current() === 'colon') {
        at++;
        if (at === 3) failAt(token(), 'syntax error');
        advance();
      } else if (current() === 'number') {
        parts[at] = token().value as number;
        advance();
      } else failAt(token(), 'syntax error');
    }
    match('rbracket');
    return { type: 'slice', start: parts[0]!, stop: parts[1]!, step: parts[2]! };
  };

  const projectIfSlice = (left: Node, right: Node): Node => {
    const indexed: Node = { type: 'index_expression', children: [left, right] };
    return right.type === 'slice' ? { type: 'projection', left: indexed, right: projectionRhs(bp('star')) } : indexed;
  };

  const multiSelectList = (): Node => {
    const children: Node[] = [];
    for (;;) {
      children.push(parse());
      if (current() === 'rbracket') break;
      match('comma');
    }
    match('rbracket');
    return { type: 'multi_select_list', children };
  };

  const multiSelectHash = (): Node => {
    const pairs: KeyValue[] = [];
    for (;;) {
      const keyToken = token();
      if (!IDENTIFIERS.includes(current())) failExpecting(reprNames(IDENTIFIERS), token());
      advance();
      match('colon');
      pairs.push({ key: keyToken.value as string, node: parse(0) });
      if (current() === 'comma') match('comma');
      else if (current() === 'rbrace') {
        match('rbrace');
        break;
      }
    }
    return { type: 'multi_select_dict', pairs };
  };

  const projectionRhs = (bindingPower: number): Node => {
    if (bp(current()) < PROJECTION_STOP) return IDENTITY;
    if (current() === 'lbracket' || current() === 'filter') return parse(bindingPower);
    if (current() === 'dot') {
      match('dot');
      return dotRhs(bindingPower);
    }
    return failAt(token(), 'syntax error');
  };

  const dotRhs = (bindingPower: number): Node => {
    const lookahead = current();
    if (lookahead === 'quoted_identifier' || lookahead === 'unquoted_identifier' || lookahead === 'star') return parse(bindingPower);
    if (lookahead === 'lbracket') {
      match('lbracket');
      return multiSelectList();
    }
    if (lookahead === 'lbrace') {
      match('lbrace');
      return multiSelectHash();
    }
    return failAt(token(), `Expecting: ${reprNames(DOT_RHS)}, got: ${lookahead}`);
  };

  const tree = parse(0);
  if (current() !== 'eof') failAt(token(), `Unexpected token: ${pyStr(token().value)}`);
  return tree;
};
