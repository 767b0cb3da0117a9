// Label and field selectors as the API server parses them from `labelSelector=` / `fieldSelector=`.
import { SimApiError } from './types.ts';
import type { KubeObject } from './types.ts';
import type { LabelSelectorRequirement } from './views.ts';

type Requirement =
  { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | '!exists' };

/** Parse `a=b,c!=d,e in (x,y),f notin (z),g,!h` into requirements. */
export function parseLabelSelector(text: string): Requirement[] {
  const reqs: Requirement[] = [];
  let i = 0;
  const s = text.trim();
  const skipWs = () => {
    while (i < s.length && s[i] === ' ') i++;
  };
  const word = () => {
    skipWs();
    const start = i;
    while (i < s.length && !' ,=!()'.includes(s[i])) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skipWs();
    if (s[i] === ',') {
      i++;
      continue;
    }
    if (s[i] === '!') {
      i++;
      const key = word();
      if (!key) throw badSelector(text);
      reqs.push({ key, op: '!exists' });
      continue;
    }
    const key = word();
    if (!key) throw badSelector(text);
    skipWs();
    if (i >= s.length || s[i] === ',') {
      reqs.push({ key, op: 'exists' });
      continue;
    }
    if (s.startsWith('!=', i)) {
      i += 2;
      reqs.push({ key, op: 'notin', values: [word()] });
    } else if (s.startsWith('==', i)) {
      i += 2;
      reqs.push({ key, op: 'in', values: [word()] });
    } else if (s[i] === '=') {
      i += 1;
      reqs.push({ key, op: 'in', values: [word()] });
    } else {
      const op = word();
      if (op !== 'in' && op !== 'notin') throw badSelector(text);
      skipWs();
      if (s[i] !== '(') throw badSelector(text);
      const close = s.indexOf(')', i);
      if (close < 0) throw badSelector(text);
      const values = s
        .slice(i + 1, close)
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      i = close + 1;
      reqs.push({ key, op, values });
    }
  }
  return reqs;
}

function badSelector(text: string): SimApiError {
  return new SimApiError(
    400,
    'BadRequest',
    `unable to parse requirement: found '${text}', expected: valid label selector`,
  );
}

export function matchesLabels(labels: Record<string, string> | undefined, reqs: Requirement[]): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
    }
  });
}

/** A metav1.LabelSelector ({matchLabels, matchExpressions}) as requirements. */
export function labelSelectorRequirements(sel: {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}): Requirement[] {
  const reqs: Requirement[] = Object.entries(sel.matchLabels ?? {}).map(([key, v]) => ({
    key,
    op: 'in',
    values: [v],
  }));
  for (const e of sel.matchExpressions ?? []) {
    const op = String(e.operator).toLowerCase();
    if (op === 'in' || op === 'notin') reqs.push({ key: e.key, op, values: e.values ?? [] });
    else if (op === 'exists') reqs.push({ key: e.key, op: 'exists' });
    else if (op === 'doesnotexist') reqs.push({ key: e.key, op: '!exists' });
  }
  return reqs;
}

/** Whether a metav1.LabelSelector selects these labels (an empty selector selects everything). */
export function selectorMatches(
  sel: { matchLabels?: Record<string, string>; matchExpressions?: LabelSelectorRequirement[] } | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!sel) return false;
  return matchesLabels(labels, labelSelectorRequirements(sel));
}

/** The selector text for a metav1.LabelSelector, e.g. `app=web,tier in (a,b)`. */
export function formatLabelSelector(sel: {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}): string {
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const op = String(e.operator);
    if (op === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (op === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (op === 'Exists') parts.push(e.key);
    else if (op === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

interface FieldRequirement {
  path: string;
  value: string;
  equal: boolean;
}

/** Parse `metadata.name=web,status.phase!=Running`. */
export function parseFieldSelector(text: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  for (const part of text.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const m = /^([^!=]+?)\s*(==|!=|=)\s*(.*)$/.exec(p);
    if (!m) throw new SimApiError(400, 'BadRequest', `invalid selector: '${text}'; can't understand '${p}'`);
    out.push({ path: m[1], value: m[3], equal: m[2] !== '!=' });
  }
  return out;
}

function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[seg];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

export function matchesFields(obj: KubeObject, reqs: FieldRequirement[]): boolean {
  return reqs.every((r) => (fieldValue(obj, r.path) === r.value) === r.equal);
}

/** Compiled label + field selector. */
export function compileSelector(
  sel: { labelSelector?: string; fieldSelector?: string } | undefined,
): (obj: KubeObject) => boolean {
  const labels = sel?.labelSelector ? parseLabelSelector(sel.labelSelector) : [];
  const fields = sel?.fieldSelector ? parseFieldSelector(sel.fieldSelector) : [];
  if (labels.length === 0 && fields.length === 0) return () => true;
  return (obj) => matchesLabels(obj.metadata.labels, labels) && matchesFields(obj, fields);
}
