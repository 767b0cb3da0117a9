// Node objects for the simulated cluster, registered the way a kubelet registers itself.
import type { SimClock, SimStore } from '../types.ts';
import { view, type NodeView } from '../views.ts';
import { isoNow } from '../controllers/util.ts';

export interface NodeSpec {
  name: string;
  cpu: string;
  memory: string;
}

export const DEFAULT_NODES: NodeSpec[] = [
  { name: 'node-1', cpu: '4', memory: '16Gi' },
  { name: 'node-2', cpu: '4', memory: '16Gi' },
  { name: 'node-3', cpu: '4', memory: '16Gi' },
];

/** Internal IP of the i-th node and the pod CIDR third octet it hands out. */
export function nodeIp(index: number): string {
  return `192.168.49.${index + 2}`;
}

export function nodeObject(spec: NodeSpec, index: number, clock: SimClock): NodeView {
  const now = isoNow(clock);
  const resources = { cpu: spec.cpu, memory: spec.memory, pods: '110', 'ephemeral-storage': '100Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      labels: {
        'kubernetes.io/hostname': spec.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
      },
    },
    spec: { podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`] },
    status: {
      capacity: { ...resources },
      allocatable: { ...resources },
      addresses: [
        { type: 'InternalIP', address: nodeIp(index) },
        { type: 'Hostname', address: spec.name },
      ],
      conditions: [
        {
          type: 'MemoryPressure',
          status: 'False',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
          reason: 'KubeletHasSufficientMemory',
          message: 'kubelet has sufficient memory available',
        },
        {
          type: 'DiskPressure',
          status: 'False',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
          reason: 'KubeletHasNoDiskPressure',
          message: 'kubelet has no disk pressure',
        },
        {
          type: 'PIDPressure',
          status: 'False',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
          reason: 'KubeletHasSufficientPID',
          message: 'kubelet has sufficient PID available',
        },
        {
          type: 'Ready',
          status: 'True',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
        },
      ],
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        osImage: 'Simulated Linux',
        kernelVersion: '6.1.0-sim',
        containerRuntimeVersion: 'containerd://1.7.0',
        kubeletVersion: 'v1.32.0',
        kubeProxyVersion: 'v1.32.0',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    },
  };
}

/** Create the Node objects that are missing (existing ones are left alone). */
export function registerNodes(store: SimStore, clock: SimClock, nodes: NodeSpec[]): void {
  nodes.forEach((spec, i) => {
    if (store.get('v1', 'Node', undefined, spec.name)) return;
    const created = view<NodeView>(store.create(nodeObject(spec, i, clock)));
    // Status is a subresource: write it separately in case create dropped it.
    if (!created.status?.allocatable)
      store.update({ ...created, status: nodeObject(spec, i, clock).status }, { subresource: 'status' });
  });
}
