// The contract between the controller-manager's local-path provisioner and the
// kubelet: the kubelet publishes its root dir on its Node, the provisioner puts
// each volume at `<root-dir>/local-path/<pv-name>` on the chosen node, and the
// kubelet of that node removes the directory when the volume is reclaimed.
import { posix } from 'node:path';

export const LOCAL_PATH_PROVISIONER = 'kubelite.io/local-path';
export const LOCAL_PATH_STORAGE_CLASS = 'local-path';
/** Node annotation: the kubelet's --root-dir, absolute. */
export const ROOT_DIR_ANNOTATION = 'kubelite.io/root-dir';
export const LOCAL_PATH_SUBDIR = 'local-path';
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const BETA_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

/** Where the volume's data lives on its node. */
export function localPathDir(rootDir: string, pvName: string): string {
  return posix.join(rootDir, LOCAL_PATH_SUBDIR, pvName);
}
