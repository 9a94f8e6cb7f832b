import { KubeApiError } from './kube-client.js';

/** HTTP status (when the apiserver answered) and a one-line message of any error. */
export function describeKubeError(err: unknown): { status?: number; message: string } {
  if (err instanceof KubeApiError) return { status: err.status, message: err.message };
  return { message: err instanceof Error ? err.message : String(err) };
}

export const isNotFound = (err: unknown) => err instanceof KubeApiError && err.status === 404;
export const isConflict = (err: unknown) => err instanceof KubeApiError && err.status === 409;
export const isGone = (err: unknown) => err instanceof KubeApiError && err.status === 410;
