/**
 * The API's Prometheus endpoint (`GET /metrics`, unauthenticated like the probes: its labels are
 * route patterns, statuses and products, never an id or a customer's data). Requests are labelled
 * by their route's entry in the access table (access/policy.ts), so a label never holds a case id.
 */
import { type RequestHandler, Router } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ProductId } from '../domain/products';

export class ApiMetrics {
  /** Its own registry: several apps in one process (tests) never share series. */
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'aftercare_api_requests_total',
    help: 'Requests answered, by route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'aftercare_api_request_duration_seconds',
    help: 'Time from a request arriving to its answer being sent, by route pattern',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly casesOpened = new Counter({
    name: 'aftercare_cases_opened_total',
    help: 'Cases opened through the API, by product',
    labelNames: ['product'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  caseOpened(product: ProductId): void {
    this.casesOpened.inc({ product });
  }

  /** Times every request; the route is the access entry `authorize` matched ("none" before one was). */
  measure(): RequestHandler {
    return (req, res, next) => {
      const stop = this.latency.startTimer();
      res.once('finish', () => {
        const labels = { method: req.method, route: (res.locals.route as string | undefined) ?? 'none' };
        stop(labels);
        this.requests.inc({ ...labels, status: String(res.statusCode) });
      });
      next();
    };
  }

  router(): Router {
    return Router().get('/metrics', async (_req, res) => {
      res.type(this.registry.contentType).send(await this.registry.metrics());
    });
  }
}
