// What every stream handler needs: the registry, the kubelet clients, a logger, and
// the lookup from a pod to the kubelet that runs it.
import { findResource } from '../../api/resources.js';
import type { Node, Pod } from '../../api/types/core.js';
import type { Logger } from '../../client/logger.js';
import type { Registry } from '../registry/registry.js';
import type { KubeletClients, KubeletStub } from './kubelet-client.js';
import { kubeletAddress, requireNodeName, type KubeletAddress } from './pods.js';

export interface StreamsContext {
  registry: Registry;
  kubelets: KubeletClients;
  logger: Logger;
}

export const PODS = findResource('', 'v1', 'pods')!;
export const NODES = findResource('', 'v1', 'nodes')!;

export interface PodTarget {
  pod: Pod;
  nodeName: string;
  addr: KubeletAddress;
  kubelet: KubeletStub;
}

/** Synchronous (the registry reads from memory), so upgrade requests can be refused before the 101. */
export function getPod(ctx: StreamsContext, namespace: string, name: string): Pod {
  return ctx.registry.get(PODS, namespace, name) as unknown as Pod;
}

export function podTarget(ctx: StreamsContext, pod: Pod): PodTarget {
  const nodeName = requireNodeName(pod);
  const node = ctx.registry.get(NODES, undefined, nodeName) as unknown as Node;
  const addr = kubeletAddress(node);
  return { pod, nodeName, addr, kubelet: ctx.kubelets.get(addr) };
}
