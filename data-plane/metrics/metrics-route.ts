import type { RouteHandler } from '../http/router.ts';
import type { DataPlaneMetrics } from './data-plane-metrics.ts';

/** `GET /metrics`: the Prometheus text exposition of this data plane. */
export function metricsRoute(metrics: Pick<DataPlaneMetrics, 'render'>): RouteHandler {
  return async (exchange) => {
    const { contentType, body } = await metrics.render();
    exchange.sendText(200, contentType, body);
  };
}
