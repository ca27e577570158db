/**
 * What `heed serve` shows Prometheus at `GET /metrics`, through
 * `prom-client`, in a registry of the service's own (never the module's
 * global one: two services in one process count apart).
 *
 * - `heed_decisions_total{kind, verdict, policy}`: decisions answered.
 *   `kind` is `evaluate` or `attempt`; `policy` the policy asked for by
 *   name, `(all)` for the whole loaded set, `(inline)` for a policy sent
 *   inline (its name is anyone's text, so it is not a label).
 * - `heed_request_duration_seconds{route, method, status}`: every request,
 *   from its arrival to its answer, by route pattern (`/v1/contacts/{id}/attempts`).
 * - `heed_store_duration_seconds{operation}`: each call into the store
 *   (`withContact` is a whole contact transaction, its lock wait included;
 *   `tx.history`, `tx.append`, ... the calls made inside one).
 * - `heed_policy_reload_errors_total`: policy files that failed to load, each
 *   counted once per distinct failure (as logged), and reloads that threw.
 * - `heed_policies_loaded`, `heed_policy_files_failing`: the set as it stands.
 * - `heed_idempotent_replays_total`; `heed_idempotency_expired_total` (records removed by the sweep).
 * - `heed_decision_log_dropped_total`: decision lines dropped (`--decision-log-backpressure drop`).
 * - Node's process metrics (`process_resident_memory_bytes`,
 *   `nodejs_eventloop_lag_seconds`, ...), as `prom-client` collects them.
 *
 * @module
 */

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Store } from "../store/types.js";

/** The label values of a decision. */
export interface DecisionLabels {
  kind: "evaluate" | "attempt";
  verdict: string;
  policy: string;
}

/** Buckets of request and store latencies, in seconds: 100 µs to 5 s. */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The service's metrics. */
export class ServiceMetrics {
  /** The registry `/metrics` shows. */
  readonly registry = new Registry();
  private readonly decisions: Counter<"kind" | "verdict" | "policy">;
  private readonly requests: Histogram<"route" | "method" | "status">;
  private readonly storeCalls: Histogram<"operation">;
  private readonly reloadErrors: Counter;
  private readonly replays: Counter;
  private readonly expired: Counter;

  /**
   * @param sources what is read when Prometheus scrapes: the policies in use,
   * the files failing, the decision lines dropped so far
   */
  constructor(sources: { policies(): number; failing(): number; dropped(): number }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.decisions = new Counter({ name: "heed_decisions_total", help: "Decisions answered, by kind, verdict and policy", labelNames: ["kind", "verdict", "policy"], registers });
    this.requests = new Histogram({
      name: "heed_request_duration_seconds",
      help: "Time from a request's arrival to its answer, by route, method and status",
      labelNames: ["route", "method", "status"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.storeCalls = new Histogram({
      name: "heed_store_duration_seconds",
      help: "Time of each call into the store, by operation (withContact: a whole contact transaction, lock wait included)",
      labelNames: ["operation"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.reloadErrors = new Counter({ name: "heed_policy_reload_errors_total", help: "Policy files that failed to load (once per distinct failure) and reloads that failed", registers });
    this.replays = new Counter({ name: "heed_idempotent_replays_total", help: "Attempts answered from an idempotency record", registers });
    this.expired = new Counter({ name: "heed_idempotency_expired_total", help: "Idempotency records removed by the sweep after their time to live", registers });
    new Gauge({
      name: "heed_policies_loaded",
      help: "Policies in use",
      registers,
      collect() {
        this.set(sources.policies());
      },
    });
    new Gauge({
      name: "heed_policy_files_failing",
      help: "Policy files whose current content failed to load",
      registers,
      collect() {
        this.set(sources.failing());
      },
    });
    new Counter({
      name: "heed_decision_log_dropped_total",
      help: "Decision lines dropped because the log's output did not keep up",
      registers,
      collect() {
        this.reset();
        this.inc(sources.dropped());
      },
    });
  }

  /** Counts a decision. */
  decision(labels: DecisionLabels): void {
    this.decisions.inc(labels as unknown as Record<"kind" | "verdict" | "policy", string>);
  }

  /** Times a request: call the returned function with the status once answered. */
  request(route: string, method: string): (status: number) => void {
    // The clock read here and the histogram told once, labels and all: prom-client's own timer copies its labels into a new object per request.
    const start = process.hrtime.bigint();
    return (status) => this.requests.observe({ route, method, status: String(status) }, Number(process.hrtime.bigint() - start) / 1e9);
  }

  /** Counts a failure to load a policy file, or a reload that threw. */
  reloadError(count = 1): void {
    this.reloadErrors.inc(count);
  }

  /** Counts an answer replayed from an idempotency record. */
  replay(): void {
    this.replays.inc();
  }

  /** Counts idempotency records removed after their time to live. */
  expiredRecords(count: number): void {
    this.expired.inc(count);
  }

  /** The text Prometheus reads, and its content type. */
  async render(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }

  /**
   * The store, with each call timed into `heed_store_duration_seconds`.
   * Every method is timed by its name, whatever the store's interface holds;
   * a function handed to one (the body of `withContact`) gets its
   * transaction timed the same way, each call as `tx.NAME`.
   */
  timedStore(store: Store): Store {
    return timed(store, "", this.storeCalls);
  }
}

/** `target` with every method that returns a promise timed as `prefix + name`. */
function timed<T extends object>(target: T, prefix: string, histogram: Histogram<"operation">): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== "function" || typeof property !== "string") return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        // A callback's object arguments (a transaction) are timed as `tx.NAME`.
        const wrapped = args.map((arg) =>
          typeof arg === "function"
            ? (...inner: unknown[]) =>
                (arg as (...a: unknown[]) => unknown)(...inner.map((x) => (typeof x === "object" && x !== null ? timed(x, "tx.", histogram) : x)))
            : arg,
        );
        const end = histogram.startTimer({ operation: `${prefix}${property}` });
        const result = method.apply(object, wrapped);
        if (!(result instanceof Promise)) return result;
        return result.finally(() => end());
      };
    },
  });
}
