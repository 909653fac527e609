// libyaml's emitter state machine for one block-style document, as CLI v2 drives it through ruamel.yaml: block
// mappings and sequences (a sequence in a mapping is not indented), `[]`/`{}` for empty ones, simple or `? ` keys,
// and anchors/aliases for a list or object that appears twice.
import { analyzeScalar, selectStyle, type Tag } from './yaml-scalar.js';
import {
  increaseIndent, newWriter, popIndent, writeAnchor, writeDoubleQuoted, writeIndent, writeIndicator, writePlain,
  writeSingleQuoted, type Writer,
} from './yaml-writer.js';

export type YamlNode =
  | Readonly<{ kind: 'scalar'; tag: Tag; text: string }>
  | Readonly<{ kind: 'seq'; items: readonly YamlNode[] }>
  | Readonly<{ kind: 'map'; pairs: readonly (readonly [YamlNode, YamlNode])[] }>;

type Context = Readonly<{ sequence: boolean; mapping: boolean; simpleKey: boolean }>;

const ITEM: Context = { sequence: true, mapping: false, simpleKey: false };
const VALUE: Context = { sequence: false, mapping: true, simpleKey: false };
const KEY: Context = { sequence: false, mapping: true, simpleKey: true };
const ROOT: Context = { sequence: false, mapping: false, simpleKey: false };

/** The serializer's anchors: `id001`, … numbered as a node is met the second time, walking in document order. */
const anchorsOf = (root: YamlNode): Map<YamlNode, string | null> => {
  const anchors = new Map<YamlNode, string | null>();
  let last = 0;
  const visit = (node: YamlNode): void => {
    if (anchors.has(node)) {
      if (anchors.get(node) === null) anchors.set(node, `id${String(++last).padStart(3, '0')}`);
      return;
    }
    anchors.set(node, null);
    if (node.kind === 'seq') node.items.forEach(visit);
    else if (node.kind === 'map')
      for (const [key, value] of node.pairs) {
        visit(key);
        visit(value);
      }
  };
  visit(root);
  return anchors;
};

/** The text of one document, ending in a newline. */
export const emitYaml = (root: YamlNode): string => {
  const w: Writer = newWriter();
  const anchors = anchorsOf(root);
  const emitted = new Set<YamlNode>();
  // The mapping context and indention when a node starts: a sequence inside a mapping is written indentless.
  let inMapping = false;

  const isSimpleKey = (node: YamlNode): boolean => {
    if (node.kind !== 'scalar') return isEmpty(node);
    const a = analyzeScalar(node.text);
    return !a.multiline && a.length <= 128;
  };
  const isEmpty = (node: YamlNode): boolean => (node.kind === 'seq' ? node.items.length === 0 : node.kind === 'map' && node.pairs.length === 0);

  const emitNode = (node: YamlNode, context: Context): void => {
    inMapping = context.mapping;
    const anchor = node.kind === 'scalar' ? null : anchors.get(node) ?? null;
    if (anchor !== null && emitted.has(node)) {
      writeIndicator(w, '*', true, false, false);
      writeAnchor(w, anchor);
      if (context.simpleKey) {
        w.out += ' ';
        w.column++;
      }
      return;
    }
    emitted.add(node);
    if (anchor !== null) {
      writeIndicator(w, '&', true, false, false);
      writeAnchor(w, anchor);
    }
    if (node.kind === 'scalar') emitScalar(node.text, node.tag, context);
    else if (isEmpty(node)) emitEmpty(node.kind === 'seq' ? '[' : '{', node.kind === 'seq' ? ']' : '}');
    else if (node.kind === 'seq') emitSequence(node.items);
    else emitMapping(node.pairs);
  };

  const emitScalar = (text: string, tag: Tag, context: Context): void => {
    const analysis = analyzeScalar(text);
    const style = selectStyle(analysis, tag, { flowLevel: w.flowLevel, simpleKey: context.simpleKey });
    increaseIndent(w, true, false);
    const allowBreaks = !context.simpleKey;
    if (style === 'plain') writePlain(w, analysis.chars, allowBreaks);
    else if (style === 'single') writeSingleQuoted(w, analysis.chars, allowBreaks);
    else writeDoubleQuoted(w, analysis.chars, allowBreaks);
    popIndent(w);
  };

  const emitEmpty = (open: string, close: string): void => {
    writeIndicator(w, open, true, true, false);
    increaseIndent(w, true, false);
    popIndent(w);
    writeIndicator(w, close, false, false, false);
  };

  const emitSequence = (items: readonly YamlNode[]): void => {
    increaseIndent(w, false, inMapping && !w.indention);
    for (const item of items) {
      writeIndent(w);
      writeIndicator(w, '-', true, false, true);
      emitNode(item, ITEM);
    }
    popIndent(w);
  };

  const emitMapping = (pairs: readonly (readonly [YamlNode, YamlNode])[]): void => {
    increaseIndent(w, false, false);
    for (const [key, value] of pairs) {
      writeIndent(w);
      if (isSimpleKey(key)) {
        emitNode(key, KEY);
        writeIndicator(w, ':', false, false, false);
      } else {
        writeIndicator(w, '?', true, false, true);
        emitNode(key, VALUE);
        writeIndent(w);
        writeIndicator(w, ':', true, false, true);
      }
      emitNode(value, VALUE);
    }
    popIndent(w);
  };

  emitNode(root, ROOT);
  writeIndent(w); // the document's implicit end
  return w.out;
};
