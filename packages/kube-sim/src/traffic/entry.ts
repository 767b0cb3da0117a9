// What an entry point of synthetic traffic is (entries.ts lists them, nginx.ts adds Ingress ones).
import type { Random, RouteDecision, SimRequest } from './routing.ts';

export type EntryKind = 'ingress' | 'httproute' | 'virtualservice' | 'trafficsplit' | 'service';

/** The ingress-nginx view of a request: which Ingress served it and which canary Ingress, if any. */
export interface IngressHop {
  name: string;
  canary: string;
}

export type EntryDecision = RouteDecision & { ingress?: IngressHop };

export interface Entry {
  /** `service/<ns>/<name>`, `ingress/<ns>/<name>/<host or *><path>`, `httproute/<ns>/<name>`, … */
  id: string;
  kind: EntryKind;
  namespace: string;
  name: string;
  /** Request path used for this entry. */
  path: string;
  route(req: SimRequest, rand: Random): EntryDecision;
}
