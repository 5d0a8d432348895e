// Node/V8 flags every long-running kubelite component is started with (by `up`,
// `start`, the systemd launcher and the test harness). They can only be given on the
// command line: V8 reads them when the heap is created, and --single-threaded-gc is
// not even allowed in NODE_OPTIONS.
//
// Measured with bench/scheduler.ts (1,000 hollow nodes, 10,000 pods, 2 cores), CPU of
// all processes per pod:
// - --max-semi-space-size=64: request handling makes many short-lived objects; a
//   larger young generation lets more of them die before a scavenge copies them, and
//   fewer of them get promoted to the old generation that major GCs then mark.
// - --single-threaded-gc: V8 otherwise runs parallel scavenges and concurrent marking
//   on four helper threads per process. On a small host the control plane's processes
//   compete for the same few cores, and the helpers' coordination costs more CPU
//   than the main thread saves.
// The young generation only grows that large under allocation pressure; an idle
// component keeps its small heap.
export const DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64', '--single-threaded-gc'];
