// A Cluster that learns every Secret value passing through it (read or applied) and redacts the
// known values from what the cluster says about pods: logs, status messages and events. Main
// wraps the real Cluster in it, so no other module has to remember to do either.
//
// A pod may use Secrets the manifests do not hold (created by hand, by an operator). Before a
// container's log is quoted, the Secrets its pod uses are read, so their values are known; a log
// whose pod uses a Secret this run cannot read is withheld, never quoted unredacted.
import { KubeApiError, type Cluster, type KubeObject } from '../kube/types.ts';
import { podTemplateOf, secretsUsedBy } from '../manifests/pods.ts';
import { secretValuesOf, type Redactor } from './redactor.ts';

export function observeSecrets(inner: Cluster, redactor: Redactor): Cluster {
  /** Learns the values of a Secret; redacts the messages in anything else's status. */
  const seen = (obj: KubeObject): KubeObject => {
    if (obj?.kind === 'Secret') {
      redactor.add(secretValuesOf(obj));
      return obj;
    }
    // Events are only read; of anything else only the status, which is never written back.
    if (obj?.kind === 'Event') return redactor.redactMessages(obj);
    return obj?.status ? { ...obj, status: redactor.redactMessages(obj.status) } : obj;
  };
  const sent = (obj: KubeObject): KubeObject => {
    redactor.add(secretValuesOf(obj));
    return obj;
  };
  const podSecrets = new PodSecrets(inner, seen);
  return {
    apply: async (obj, opts) => seen(await inner.apply(sent(obj), opts)),
    create: async (obj, opts) => seen(await inner.create(sent(obj), opts)),
    replace: async (obj) => seen(await inner.replace(sent(obj))),
    patch: async (ref, patch, type, opts) => seen(await inner.patch(ref, patch, type, opts)),
    get: async (ref) => {
      const obj = await inner.get(ref);
      return obj && seen(obj);
    },
    list: async (apiVersion, kind, namespace, opts) =>
      (await inner.list(apiVersion, kind, namespace, opts)).map(seen),
    delete: (ref, opts) => inner.delete(ref, opts),
    resourceOf: (apiVersion, kind) => inner.resourceOf(apiVersion, kind),
    watchUntil: (apiVersion, kind, namespace, opts, onEvent, wait) =>
      inner.watchUntil(
        apiVersion,
        kind,
        namespace,
        opts,
        (event, snapshot) => onEvent({ ...event, object: seen(event.object) }, snapshot),
        wait,
      ),
    podLog: async (namespace, pod, container, opts) => {
      const unknown = await podSecrets.unreadable(namespace, pod);
      if (unknown) return `(log of ${pod}/${container} withheld: ${unknown})`;
      // One line more than asked: a value broken over the first two lines is found whole, and
      // the first line is then dropped.
      const tail = opts?.tailLines;
      const text = await inner.podLog(
        namespace,
        pod,
        container,
        tail ? { ...opts, tailLines: tail + 1 } : opts,
      );
      return tail ? lastLines(redactor.redact(text), tail) : redactor.redact(text);
    },
    groupVersions: (group) => inner.groupVersions(group),
  };
}

/** The last `count` lines of a log (a trailing newline is kept, as the log ends with one). */
function lastLines(text: string, count: number): string {
  const lines = text.split('\n');
  const ends = lines.at(-1) === '' ? 1 : 0;
  return lines.slice(Math.max(0, lines.length - count - ends)).join('\n');
}

/** Reads the Secrets of pods whose logs are quoted; remembers what it could read. */
class PodSecrets {
  private readonly read = new Set<string>();

  constructor(
    private readonly cluster: Cluster,
    private readonly learn: (secret: KubeObject) => void,
  ) {}

  /** Why the pod's log cannot be quoted safely, or undefined when every Secret it uses is known. */
  async unreadable(namespace: string, pod: string): Promise<string | undefined> {
    // `list` by name: the documented Role lists and watches pods, it need not get them.
    const [found] = await this.cluster
      .list('v1', 'Pod', namespace, { fieldSelector: `metadata.name=${pod}` })
      .catch(() => []);
    const spec = found && podTemplateOf(found)?.spec;
    if (!spec) return 'the pod could not be read to learn which Secrets it uses';
    for (const name of secretsUsedBy(spec)) {
      const why = await this.learnSecret(namespace, name);
      if (why) return `it uses Secret ${name}, which this run cannot read (${why}) to redact its values`;
    }
    return undefined;
  }

  private async learnSecret(namespace: string, name: string): Promise<string | undefined> {
    const key = `${namespace}/${name}`;
    if (this.read.has(key)) return undefined;
    try {
      const secret = await this.cluster.get({ apiVersion: 'v1', kind: 'Secret', name, namespace });
      if (secret) this.learn(secret);
    } catch (err) {
      return err instanceof KubeApiError && err.code === 403 ? 'forbidden' : (err as Error).message;
    }
    // A Secret that does not exist has no values to leak (the pod cannot have started with it
    // unless it is optional).
    this.read.add(key);
    return undefined;
  }
}
