// The release name taken from the first workload must make valid names of the release's own objects:
// checked with the manifests, before anything is written, naming the manifest's file and line.
// (The names each copied workload adds are checked by the pre-flight: preflight/lane-names.ts.)
import type { Config } from '../config/types.ts';
import { InputError } from '../errors.ts';
import type { KubeObject } from '../kube/types.ts';
import { MAX_RELEASE_NAME } from '../names.ts';
import type { ManifestSet, SourcedObject } from './types.ts';

const at = (s: SourcedObject) => ({ input: 'manifests', file: s.file, line: s.line });
const nameOf = (o: KubeObject) => o.metadata.name ?? '';

/** Without the `name` input the first workload's name is the release's name. */
export function checkReleaseName(set: ManifestSet, config: Pick<Config, 'name'>): InputError[] {
  const first = set.workloads[0];
  const name = first ? nameOf(first.object) : '';
  if (config.name || !first || name.length <= MAX_RELEASE_NAME) return [];
  return [
    new InputError(
      `${first.object.kind} ${name}: its name (${name.length} characters) would be the release's name, which may have at most ${MAX_RELEASE_NAME} ` +
        `(it is the value of label kube-rollout.io/release on ConfigMap, Secret and Lease kube-rollout-<name>); set the 'name' input to a shorter one`,
      at(first),
    ),
  ];
}
