// The scheduler's part of the kubelet simulation: resource fit and nodeSelector, least-loaded node
// wins, and the upstream "0/3 nodes are available: ..." message when nothing fits.
import type { Container, NodeView, PodSpec, PodView } from '../views.ts';
import { isPodTerminal, parseQuantity } from '../controllers/util.ts';

export interface Requests {
  cpu: number;
  memory: number;
}

/** Effective requests: sum over containers, at least the largest init container (requests ?? limits). */
export function podRequests(spec: PodSpec | undefined): Requests {
  const of = (c: Container, r: 'cpu' | 'memory') =>
    parseQuantity(c?.resources?.requests?.[r] ?? c?.resources?.limits?.[r]);
  const sum: Requests = { cpu: 0, memory: 0 };
  for (const c of spec?.containers ?? []) {
    sum.cpu += of(c, 'cpu');
    sum.memory += of(c, 'memory');
  }
  for (const c of spec?.initContainers ?? []) {
    sum.cpu = Math.max(sum.cpu, of(c, 'cpu'));
    sum.memory = Math.max(sum.memory, of(c, 'memory'));
  }
  return sum;
}

export type ScheduleResult = { node: string } | { node?: undefined; message: string };

export function schedulePod(pod: PodView, nodes: NodeView[], pods: PodView[]): ScheduleResult {
  const want = podRequests(pod.spec);
  const selector: Record<string, string> = pod.spec?.nodeSelector ?? {};
  const reasons = new Map<string, number>();
  const fits: { name: string; load: number }[] = [];
  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    const nodeReasons: string[] = [];
    if (node.spec?.unschedulable) nodeReasons.push('node(s) were unschedulable');
    if (!Object.entries(selector).every(([k, v]) => node.metadata.labels?.[k] === v)) {
      nodeReasons.push("node(s) didn't match Pod's node affinity/selector");
    }
    const onNode = pods.filter(
      (p) => p.spec?.nodeName === name && !isPodTerminal(p) && p.metadata.uid !== pod.metadata.uid,
    );
    const used = onNode.reduce(
      (acc, p) => {
        const r = podRequests(p.spec);
        return { cpu: acc.cpu + r.cpu, memory: acc.memory + r.memory };
      },
      { cpu: 0, memory: 0 },
    );
    const alloc = node.status?.allocatable ?? {};
    if (want.cpu > 0 && used.cpu + want.cpu > parseQuantity(alloc.cpu)) nodeReasons.push('Insufficient cpu');
    if (want.memory > 0 && used.memory + want.memory > parseQuantity(alloc.memory))
      nodeReasons.push('Insufficient memory');
    if (onNode.length + 1 > parseQuantity(alloc.pods ?? 110)) nodeReasons.push('Too many pods');
    if (!nodeReasons.length) fits.push({ name, load: onNode.length });
    for (const r of nodeReasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
  }
  if (fits.length) {
    fits.sort((a, b) => a.load - b.load || a.name.localeCompare(b.name));
    return { node: fits[0].name };
  }
  const parts = [...reasons.entries()].map(([r, n]) => `${n} ${r}`).sort();
  return { message: `0/${nodes.length} nodes are available: ${parts.join(', ')}.` };
}
