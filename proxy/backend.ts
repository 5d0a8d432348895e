// What main needs from a proxy mode: apply a model (diffing against what it
// applied last), and remove everything it ever installed.
import type { ProxyModel } from './model.js';

export interface SyncStats {
  kind: 'full' | 'incremental' | 'noop';
  /** rules and chains the mode now holds for services */
  rules: number;
  chains: number;
  /** size of the input handed to the kernel tool */
  bytes: number;
}

export interface Backend {
  readonly mode: 'nftables' | 'iptables' | 'ipvs';
  /** `full` rewrites everything (first sync, periodic repair); otherwise only what changed */
  sync(model: ProxyModel, full: boolean): Promise<SyncStats>;
  cleanup(): Promise<void>;
}
