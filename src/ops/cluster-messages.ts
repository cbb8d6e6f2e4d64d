/** What the cluster primary and its workers tell each other over the IPC channel. */
export const MESSAGE = {
  listening: 'tollgate:listening',
  readyQuery: 'tollgate:ready?',
  readyAnswer: 'tollgate:ready',
  signal: 'tollgate:signal',
} as const;

export type ClusterMessage =
  | { type: typeof MESSAGE.listening; urls: { main: string; admin: string } }
  | { type: typeof MESSAGE.readyQuery; id: number }
  | { type: typeof MESSAGE.readyAnswer; id: number; ready: boolean }
  | { type: typeof MESSAGE.signal; signal: 'SIGHUP' | 'SIGTERM' | 'SIGINT' };
