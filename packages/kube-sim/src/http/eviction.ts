// POST pods/<name>/eviction (policy/v1 Eviction): graceful deletion that honours the pod's
// PodDisruptionBudget (429 when it would be violated), like `kubectl drain`.
import { admitEviction } from '../controllers/disruption.ts';
import { badRequest, notFound } from '../status.ts';
import { isPlainObject } from '../util.ts';
import { isDryRun, type WriteRequest, type WriteResult } from './write-request.ts';

/** The fields of a policy/v1 Eviction read here; any JSON object is taken as one. */
type EvictionBody = {
  metadata?: { name?: string };
  deleteOptions?: { dryRun?: string[]; gracePeriodSeconds?: unknown };
};

export function evict(w: WriteRequest): WriteResult {
  let body: unknown;
  try {
    body = JSON.parse(w.body || '{}');
  } catch {
    throw badRequest('the object provided is unrecognized or malformed');
  }
  const eviction: EvictionBody = isPlainObject(body) ? body : {};
  const evictionName = eviction.metadata?.name;
  if (evictionName && evictionName !== w.name) {
    throw badRequest(`name in URL does not match name in Eviction object`);
  }
  const pod = w.store.get('v1', 'Pod', w.namespace, w.name!);
  if (!pod) throw notFound(w.entry, w.name!);
  const dryRun = isDryRun(w.query) || (eviction.deleteOptions?.dryRun ?? []).includes('All');
  // A pod already terminating is being disrupted anyway; evicting it again is accepted.
  if (!pod.metadata.deletionTimestamp) {
    admitEviction(w.store, pod);
    const grace = eviction.deleteOptions?.gracePeriodSeconds;
    w.store.delete('v1', 'Pod', w.namespace, w.name!, {
      graceful: true,
      dryRun,
      ...(typeof grace === 'number' ? { gracePeriodSeconds: grace } : {}),
    });
  }
  return {
    code: 201,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 },
  };
}
