import { parseJsonTree, type JsonNode } from './jsonTree';

/**
 * Formats a JSON value in the layout of the text it was read from, so that a file the user keeps
 * changes only where its value changed: a value equal to the one at the same place in `previous`
 * is copied from it byte for byte; an object or array that changed keeps its own whitespace (one
 * line stays one line, a blank line between cells stays), and only new values are laid out
 * afresh (one line when it fits `printWidth`, else one member per line). Items of arrays of
 * objects with an `id` are matched by id, so moving a cell moves its text unchanged.
 */
export interface JsonLayoutOptions {
  /** The width within which a new value is kept on one line (the repo's Prettier width). */
  printWidth?: number;
  /** Indentation of new nested values when `previous` does not show one. */
  indent?: string;
}

interface Reference {
  text: string;
  node: JsonNode;
  value: unknown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function formatJsonLike(value: unknown, previous: string | null, options: JsonLayoutOptions = {}): string {
  const printWidth = options.printWidth ?? 120;
  let reference: Reference | null = null;
  if (previous !== null) {
    try {
      reference = { text: previous, node: parseJsonTree(previous), value: JSON.parse(previous) as unknown };
    } catch {
      reference = null;
    }
  }
  const indentUnit = (reference && detectIndentUnit(reference)) ?? options.indent ?? '  ';
  const layout = new Layout(printWidth, indentUnit);
  if (!reference) return layout.fresh(value as Json, '', 0) + '\n';
  const { text, node } = reference;
  return text.slice(0, node.start) + layout.render(value as Json, reference, '') + text.slice(node.end);
}

/** The indentation of the root's first member, when the root is laid out over several lines. */
function detectIndentUnit({ text, node }: Reference): string | null {
  const first =
    node.kind === 'object' ? node.members[0]?.keyStart : node.kind === 'array' ? node.items[0]?.start : null;
  if (first === undefined || first === null) return null;
  const before = text.slice(node.start + 1, first);
  const newline = before.lastIndexOf('\n');
  return newline >= 0 && newline < before.length - 1 ? before.slice(newline + 1) : null;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isRecord(value: unknown): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The whitespace of a container as written: after the opening bracket, between items, before the closing one. */
interface Spacing {
  open: string;
  separator: string;
  close: string;
  /** Indentation of the container's items (of the line they start on). */
  itemIndent: string;
}

function spacingOf(text: string, start: number, end: number, itemStarts: number[], itemEnds: number[]): Spacing {
  const open = text.slice(start + 1, itemStarts[0]);
  const close = text.slice(itemEnds[itemEnds.length - 1], end - 1);
  const multiline = open.includes('\n');
  const separator =
    itemStarts.length > 1 ? text.slice(itemEnds[0], itemStarts[1]) : multiline ? `,${open}` : open ? ', ' : ', ';
  return { open, separator, close, itemIndent: multiline ? open.slice(open.lastIndexOf('\n') + 1) : '' };
}

class Layout {
  constructor(
    private readonly printWidth: number,
    private readonly indentUnit: string,
  ) {}

  /** `value` laid out like `ref`; `indent` is the indentation of the line the value starts on. */
  render(value: Json, ref: Reference | null, indent: string, column = indent.length): string {
    if (ref && sameJson(value, ref.value)) return ref.text.slice(ref.node.start, ref.node.end);
    if (ref && isRecord(value) && ref.node.kind === 'object' && ref.node.members.length > 0 && isRecord(ref.value))
      return this.object(value, ref as Reference & { node: Extract<JsonNode, { kind: 'object' }> }, indent);
    if (
      ref &&
      Array.isArray(value) &&
      ref.node.kind === 'array' &&
      ref.node.items.length > 0 &&
      Array.isArray(ref.value)
    )
      return this.array(value, ref as Reference & { node: Extract<JsonNode, { kind: 'array' }> }, indent);
    return this.fresh(value, indent, column);
  }

  private object(
    value: { [key: string]: Json },
    ref: Reference & { node: Extract<JsonNode, { kind: 'object' }> },
    indent: string,
  ): string {
    const { text, node } = ref;
    const refValue = ref.value as Record<string, unknown>;
    const spacing = spacingOf(
      text,
      node.start,
      node.end,
      node.members.map((m) => m.keyStart),
      node.members.map((m) => m.value.end),
    );
    const first = node.members[0]!;
    const colon = text.slice(first.keyEnd, first.value.start);
    const itemIndent = spacing.itemIndent || indent;
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const refIndex = entries.map(([key]) => node.members.findIndex((m) => m.key === key));
    const parts = entries.map(([key, member], j) => {
      const at = refIndex[j]!;
      const written = at >= 0 ? node.members[at]! : null;
      const prefix = (written ? text.slice(written.keyStart, written.keyEnd) : JSON.stringify(key)) + colon;
      const column = (spacing.itemIndent ? itemIndent.length : 0) + prefix.length;
      const child = written ? { text, node: written.value, value: refValue[key] } : null;
      return prefix + this.render(member, child, itemIndent, column);
    });
    const separators = refIndex.map((at, j) =>
      j > 0 && at > 0 && refIndex[j - 1] === at - 1
        ? text.slice(node.members[at - 1]!.value.end, node.members[at]!.keyStart)
        : spacing.separator,
    );
    return `{${spacing.open}${join(parts, separators)}${spacing.close}}`;
  }

  private array(
    value: Json[],
    ref: Reference & { node: Extract<JsonNode, { kind: 'array' }> },
    indent: string,
  ): string {
    const { text, node } = ref;
    const refValue = ref.value as unknown[];
    if (value.length === 0) return '[]';
    const spacing = spacingOf(
      text,
      node.start,
      node.end,
      node.items.map((n) => n.start),
      node.items.map((n) => n.end),
    );
    const itemIndent = spacing.itemIndent || indent;
    const refIndex = value.map((item, j) => matchItem(item, j, refValue));
    const parts = value.map((item, j) => {
      const at = refIndex[j]!;
      const child = at >= 0 ? { text, node: node.items[at]!, value: refValue[at] } : null;
      return this.render(item, child, itemIndent);
    });
    const separators = refIndex.map((at, j) =>
      j > 0 && at > 0 && refIndex[j - 1] === at - 1
        ? text.slice(node.items[at - 1]!.end, node.items[at]!.start)
        : spacing.separator,
    );
    return `[${spacing.open}${join(parts, separators)}${spacing.close}]`;
  }

  /** A value with no written counterpart: one line when it fits, else one member per line. */
  fresh(value: Json, indent: string, column: number): string {
    const flat = flatJson(value);
    if (typeof value !== 'object' || value === null || column + flat.length + 1 <= this.printWidth) return flat;
    const inner = indent + this.indentUnit;
    const lines = Array.isArray(value)
      ? value.map((item) => inner + this.fresh(item, inner, inner.length))
      : Object.entries(value)
          .filter(([, v]) => v !== undefined)
          .map(([key, v]) => {
            const prefix = `${JSON.stringify(key)}: `;
            return inner + prefix + this.fresh(v, inner, inner.length + prefix.length);
          });
    if (lines.length === 0) return flat;
    const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
    return `${open}\n${lines.join(',\n')}\n${indent}${close}`;
  }
}

/** The index of the written item that `item` continues: the same `id` for objects that have one, else the same place. */
function matchItem(item: unknown, index: number, written: readonly unknown[]): number {
  if (isRecord(item) && typeof item.id === 'string') return written.findIndex((w) => isRecord(w) && w.id === item.id);
  return index < written.length && !(isRecord(written[index]) && typeof written[index].id === 'string') ? index : -1;
}

/** One line, with the spacing Prettier gives JSON: `{ "a": [1, 2] }`. */
function flatJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map((item) => flatJson(item ?? null)).join(', ')}]`;
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return entries.length === 0
      ? '{}'
      : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${flatJson(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value) ?? 'null';
}

function join(parts: string[], separators: string[]): string {
  return parts.map((part, j) => (j === 0 ? part : separators[j] + part)).join('');
}
