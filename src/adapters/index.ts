/**
 * `heed/adapters`: Heed on real infrastructure, for Node.js. Stores of
 * contacts' histories (in memory, PostgreSQL, PGlite in a folder), the send
 * gate that evaluates and records a touch in one transaction under the
 * contact's lock, the HTTP decision service behind `heed serve`, and the
 * mappings from CRM and engagement-platform records to Heed events.
 *
 * ```ts
 * import { compile, parsePolicy } from "heed";
 * import { createGate, openStore } from "heed/adapters";
 *
 * const engine = compile(parsePolicy(text, { file: "inbound.heed" }).policy!);
 * const gate = createGate({ engine, store: await openStore("postgres://localhost/heed") });
 * const { decision } = await gate.attempt("c-42", { channel: "call" }, "2026-03-12T10:00:00-04:00");
 * ```
 *
 * @module
 */

export type { AttemptOptions, AttemptResult, BeforeCommit, Gate, GateOptions, RecorderOptions, RecordResult } from "./gate.js";
export { createGate, createRecorder, DEFAULT_FUTURE_TOLERANCE, DEFAULT_SIGNAL_SKEW, snapshotVersion } from "./gate.js";
export type {
  AccountTouchRecord,
  AppendResult,
  ContactTx,
  IdempotencyRecord,
  LockOptions,
  NumberedEvent,
  SnapshotMark,
  SnapshotRecord,
  Store,
  StoreKind,
  StoredEvent,
} from "./store/types.js";
export {
  DEFAULT_STORE_FOLDER,
  LOCK_FILE,
  MemoryStore,
  openPgliteStore,
  openPostgresStore,
  openStore,
  SCHEMA_VERSION,
  SchemaError,
  StoreLockedError,
  type LockHolder,
  type OpenStoreOptions,
  type PostgresStoreOptions,
  type SchemaMode,
} from "./store/index.js";
export type { LineSink, RunningServer, ServerOptions } from "./http/server.js";
export type { Backpressure } from "./http/decision-log.js";
export { startServer } from "./http/server.js";
export * from "./crm/index.js";
