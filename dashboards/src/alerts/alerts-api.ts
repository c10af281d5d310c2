import type { AlertAction } from './alert-actions.ts';
import type { AlertDetail, AlertSummary, EvaluationGroup } from './alert-types.ts';

/** A refusal or failure from the alert API, carrying the gateway's code and message. */
export class AlertApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AlertApiError';
  }
}

/** The body each action takes (see the alert API: note, department, rating, comment). */
export interface ActionBody {
  note?: string;
  department?: string;
  rating?: number;
  comment?: string;
}

/**
 * The alert routes, each request carrying the signed-in person's bearer token. A 401 (the
 * token expired or was signed out) is reported to `onUnauthenticated` as well as thrown.
 */
export function createAlertsApi(
  token: () => string | undefined,
  onUnauthenticated: () => void = () => {},
) {
  const request = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const headers = new Headers(init.headers);
    const bearer = token();
    if (bearer) headers.set('authorization', `Bearer ${bearer}`);
    if (init.body) headers.set('content-type', 'application/json');
    let response: Response;
    try {
      response = await fetch(path, { ...init, headers });
    } catch (error) {
      throw new AlertApiError(
        0,
        'SENSEGRID_NETWORK',
        `The gateway did not answer: ${String(error)}`,
      );
    }
    if (response.ok) return (await response.json()) as T;
    if (response.status === 401 && bearer) onUnauthenticated();
    throw await errorOf(response);
  };
  return {
    list: async (query: string) =>
      (await request<{ alerts: AlertSummary[] }>(`/api/alerts?${query}`)).alerts,
    detail: (id: string) => request<AlertDetail>(`/api/alerts/${encodeURIComponent(id)}`),
    act: (id: string, action: AlertAction, body: ActionBody = {}) =>
      request<AlertDetail>(`/api/alerts/${encodeURIComponent(id)}/${action}`, {
        method: 'POST',
        body: JSON.stringify(body),
      }),
    /** Per department, for incidents first seen since `fromMs` (all of them without). */
    evaluation: async (fromMs?: number) =>
      (
        await request<{ groups: EvaluationGroup[] }>(
          `/api/evaluation?by=department${fromMs === undefined ? '' : `&from=${fromMs}`}`,
        )
      ).groups,
  };
}

export type AlertsApi = ReturnType<typeof createAlertsApi>;

async function errorOf(response: Response): Promise<AlertApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: string; message?: string };
    return new AlertApiError(
      response.status,
      body.error ?? `HTTP_${response.status}`,
      body.message ?? (text || response.statusText),
    );
  } catch {
    return new AlertApiError(
      response.status,
      `HTTP_${response.status}`,
      text || `HTTP ${response.status} ${response.statusText}`,
    );
  }
}
