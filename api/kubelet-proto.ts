// The kubelet's gRPC contract (logs, exec, port-forward, stats, image load), shared as text so
// the apiserver and the kubelet load the same definition without importing each other.
import protobuf from 'protobufjs';
import { fromJSON, type PackageDefinition } from '@grpc/proto-loader';

export const KUBELET_PROTO = `
syntax = "proto3";
package kubelite.kubelet.v1;

service Kubelet {
  // Container logs; the kubelet sends response headers once the container is found,
  // so a caller can turn an early failure into an HTTP error before streaming.
  rpc Logs(LogRequest) returns (stream LogChunk);
  // First input is ExecInput.start; the kubelet sends headers once the process runs.
  rpc Exec(stream ExecInput) returns (stream ExecOutput);
  // First message names the pod and port; after that only data flows, both ways.
  // The client half-closing its side half-closes the TCP connection.
  rpc PortForward(stream PortForwardData) returns (stream PortForwardData);
  rpc Stats(StatsRequest) returns (StatsResponse);
  // First message is ImageChunk.start, then the bytes of a \`docker save\` tar. The
  // kubelet may answer before the tar ends when every image is already present.
  rpc LoadImage(stream ImageChunk) returns (LoadImageResult);
  // The IDs the node's Docker has for these names ("" when absent), so a client can
  // skip \`docker save\` for images every node already has.
  rpc ImageStatus(ImageStatusRequest) returns (ImageStatusResponse);
}

message LogRequest {
  string namespace = 1;
  string pod = 2;
  string pod_uid = 3;
  string container = 4;
  bool follow = 5;
  int64 tail_lines = 6;     // < 0: every line
  int64 since_seconds = 7;  // 0: from the start
  string since_time = 8;    // RFC 3339, "" when unset
  bool timestamps = 9;
  bool previous = 10;
  int64 limit_bytes = 11;   // 0: unlimited
}

message LogChunk {
  bytes data = 1;
}

message ExecStart {
  string namespace = 1;
  string pod = 2;
  string pod_uid = 3;
  string container = 4;
  repeated string command = 5;
  bool tty = 6;
  bool stdin = 7;
  bool stdout = 8;
  bool stderr = 9;
}

message TerminalSize {
  uint32 width = 1;
  uint32 height = 2;
}

message ExecInput {
  oneof input {
    ExecStart start = 1;
    bytes stdin = 2;
    TerminalSize resize = 3;
    bool stdin_close = 4;
  }
}

message ExecOutput {
  oneof output {
    bytes stdout = 1;
    bytes stderr = 2;
    int32 exit_code = 3;
  }
}

message PortForwardData {
  string namespace = 1;
  string pod = 2;
  string pod_uid = 3;
  uint32 port = 4;
  bytes data = 5;
}

message StatsRequest {
  string namespace = 1;     // "" = every namespace
  string pod = 2;           // "" = every pod
  bool node_only = 3;       // skip the per-container samples
}

message ResourceUsage {
  uint64 cpu_nano_cores = 1;
  uint64 memory_working_set_bytes = 2;
}

message ContainerStats {
  string name = 1;
  ResourceUsage usage = 2;
}

message PodStats {
  string namespace = 1;
  string name = 2;
  string uid = 3;
  repeated ContainerStats containers = 4;
  int64 timestamp_ms = 5;
  double window_seconds = 6;
}

message NodeStats {
  string name = 1;
  ResourceUsage usage = 2;
  int64 timestamp_ms = 3;
  double window_seconds = 4;
}

message StatsResponse {
  NodeStats node = 1;
  repeated PodStats pods = 2;
}

message ImageRef {
  string name = 1;          // e.g. kubelite.local/web:latest
  string id = 2;            // sha256:... as the sender's Docker has it; "" = unknown
}

message LoadImageStart {
  repeated ImageRef images = 1;  // what the tar holds; each must be loaded for success
}

message ImageChunk {
  oneof chunk {
    LoadImageStart start = 1;
    bytes data = 2;
  }
}

message LoadedImage {
  string name = 1;
  string id = 2;
  bool already_present = 3;
}

message LoadImageResult {
  repeated LoadedImage images = 1;
  uint64 bytes = 2;         // tar bytes the kubelet received
}

message ImageStatusRequest {
  repeated string names = 1;
}

message ImageStatusResponse {
  repeated ImageRef images = 1;  // in request order; id "" = not present
}
`;

export const KUBELET_SERVICE = 'kubelite.kubelet.v1.Kubelet';

// Field names as proto-loader presents them (camelCase, longs as numbers, oneofs named).
export interface LogRequest {
  namespace: string;
  pod: string;
  podUid: string;
  container: string;
  follow: boolean;
  tailLines: number;
  sinceSeconds: number;
  sinceTime: string;
  timestamps: boolean;
  previous: boolean;
  limitBytes: number;
}

export interface LogChunk {
  data: Buffer;
}

export interface ExecStart {
  namespace: string;
  pod: string;
  podUid: string;
  container: string;
  command: string[];
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export interface TerminalSize {
  width: number;
  height: number;
}

export type ExecInput =
  | { input?: 'start'; start: ExecStart }
  | { input?: 'stdin'; stdin: Buffer }
  | { input?: 'resize'; resize: TerminalSize }
  | { input?: 'stdinClose'; stdinClose: boolean };

export type ExecOutput =
  | { output?: 'stdout'; stdout: Buffer }
  | { output?: 'stderr'; stderr: Buffer }
  | { output?: 'exitCode'; exitCode: number };

export interface PortForwardData {
  namespace?: string;
  pod?: string;
  podUid?: string;
  port?: number;
  data?: Buffer;
}

export interface StatsRequest {
  namespace: string;
  pod: string;
  nodeOnly: boolean;
}

export interface ResourceUsage {
  cpuNanoCores: number;
  memoryWorkingSetBytes: number;
}

export interface ContainerStats {
  name: string;
  usage: ResourceUsage;
}

export interface PodStats {
  namespace: string;
  name: string;
  uid: string;
  containers: ContainerStats[];
  timestampMs: number;
  windowSeconds: number;
}

export interface NodeStats {
  name: string;
  usage: ResourceUsage;
  timestampMs: number;
  windowSeconds: number;
}

export interface StatsResponse {
  node?: NodeStats;
  pods: PodStats[];
}

export interface ImageRef {
  name: string;
  id: string;
}

export interface LoadImageStart {
  images: ImageRef[];
}

export type ImageChunk =
  | { chunk?: 'start'; start: LoadImageStart }
  | { chunk?: 'data'; data: Buffer };

export interface LoadedImage {
  name: string;
  id: string;
  alreadyPresent: boolean;
}

export interface LoadImageResult {
  images: LoadedImage[];
  bytes: number;
}

export interface ImageStatusRequest {
  names: string[];
}

export interface ImageStatusResponse {
  images: ImageRef[];
}

/** The JSON answer of `GET /api/v1/nodes/{node}/proxy/images/status?image=...`. */
export interface NodeImageStatus extends ImageStatusResponse {
  kind: 'ImageStatus';
  apiVersion: 'v1';
  node: string;
}

/** The JSON answer of `POST /api/v1/nodes/{node}/proxy/images/load`: the kubelet's result, named. */
export interface NodeImageLoadResult extends LoadImageResult {
  kind: 'ImageLoadResult';
  apiVersion: 'v1';
  node: string;
}

/** Where `kubelite image load` sends a `docker save` tar for one node (query: image=, id=). */
export function imageLoadPath(node: string): string {
  return `/api/v1/nodes/${encodeURIComponent(node)}/proxy/images/load`;
}

/** Where a client asks which of some images a node has (query: image=, repeated). */
export function imageStatusPath(node: string): string {
  return `/api/v1/nodes/${encodeURIComponent(node)}/proxy/images/status`;
}

let cached: PackageDefinition | undefined;

/** The package definition for @grpc/grpc-js `loadPackageDefinition`, parsed once per process. */
export function kubeletPackageDefinition(): PackageDefinition {
  cached ??= fromJSON(protobuf.parse(KUBELET_PROTO, { keepCase: false }).root.toJSON(), {
    keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true,
  });
  return cached;
}
