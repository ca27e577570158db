/**
 * An exclusive lock on a store folder, held by one process at a time.
 *
 * PGlite is PostgreSQL in one process: two processes opening one folder each
 * run their own database over the same files, with nothing serialising them
 * (each process's advisory locks are its own), so caps are exceeded and
 * writes lost without an error. The folder's lock file `heed.lock` names
 * its holder (pid, host, since when); a second process is refused with a
 * message naming it.
 *
 * The lock file is made whole and then linked into place (`link` fails when
 * the name exists, atomically), so no process ever reads half a lock. A lock
 * whose holder is a dead process on this host is taken over, under a second
 * short-lived lock (`heed.lock.takeover`) so that two processes finding the
 * same stale lock cannot both take it: the one that gets the takeover lock
 * checks the stale lock is still the one it read before removing it.
 *
 * @module
 */

import { randomUUID } from "node:crypto";
import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

/** The name of the lock file in a store folder. */
export const LOCK_FILE = "heed.lock";

/** Who holds a folder's lock. */
export interface LockHolder {
  /** The holding process's id. */
  pid: number;
  /** The host it runs on (`os.hostname()`). */
  host: string;
  /** When the lock was taken (ISO-8601). */
  since: string;
  /** Tells one holding apart from another of the same pid (a restarted process). */
  token: string;
}

/** A store folder already locked by a live process (or one on another host). */
export class StoreLockedError extends Error {
  /** Always `StoreLockedError`. */
  override readonly name = "StoreLockedError";
  /** The folder in use. */
  readonly folder: string;
  /** Who holds it. */
  readonly holder: LockHolder;

  constructor(folder: string, holder: LockHolder, sameProcess: boolean) {
    const who = sameProcess ? "this process" : `process ${holder.pid} on host \`${holder.host}\``;
    super(
      `the store folder \`${folder}\` is in use by ${who} since ${holder.since}: ` +
        `one PGlite folder serves one process (use PostgreSQL to share a store); ` +
        `if that process is gone, remove \`${join(folder, LOCK_FILE)}\``,
    );
    this.folder = folder;
    this.holder = holder;
  }
}

/** A lock held on a folder. */
export interface FolderLock {
  readonly holder: LockHolder;
  /** Gives the lock up (removes the lock file if it is still this one). Idempotent. */
  release(): void;
}

/** Tokens of the locks this process holds, so that its own locks are never taken for stale ones. */
const held = new Set<string>();

/** True while the process exists (a process of another user answers EPERM: it exists). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(path: string): LockHolder | "gone" | "unreadable" {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "gone" : "unreadable";
  }
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid === "number" && typeof value.host === "string" && typeof value.since === "string" && typeof value.token === "string") {
      return value as LockHolder;
    }
  } catch {
    // fall through: a lock file that is not ours to read
  }
  return "unreadable";
}

/** Creates `path` holding `holder`, whole, or fails with EEXIST. */
function linkExclusive(path: string, holder: LockHolder): void {
  const temp = `${path}.${holder.token}.tmp`;
  writeFileSync(temp, `${JSON.stringify(holder)}\n`, { mode: 0o644 });
  try {
    linkSync(temp, path);
  } finally {
    unlinkSync(temp);
  }
}

/** True when `holder`'s lock is stale: its process, on this host, is gone. */
function isStale(holder: LockHolder, me: LockHolder): boolean {
  if (holder.host !== me.host) return false; // another machine's processes cannot be checked
  if (held.has(holder.token)) return false;
  // Our own pid with a token we do not hold: an earlier run of a process with the same pid (pid 1 in a container).
  if (holder.pid === me.pid) return true;
  return !alive(holder.pid);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Removes the stale lock `stale` at `path` unless another process has already replaced it. */
function takeOver(path: string, stale: LockHolder, me: LockHolder): void {
  const guard = `${path}.takeover`;
  const guardHolder: LockHolder = { ...me, token: randomUUID() };
  try {
    linkExclusive(guard, guardHolder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    // Another process is taking over; if it died doing so, its guard is stale too.
    const other = readHolder(guard);
    if (other !== "gone" && other !== "unreadable" && isStale(other, me)) {
      try {
        unlinkSync(guard);
      } catch {
        // removed by its owner meanwhile
      }
    } else {
      sleep(20);
    }
    return; // the caller tries again
  }
  try {
    const current = readHolder(path);
    if (current !== "gone" && current !== "unreadable" && current.token === stale.token) unlinkSync(path);
  } finally {
    unlinkSync(guard);
  }
}

/**
 * Takes the lock of `folder` (which must exist) or throws
 * {@link StoreLockedError} naming the process that holds it.
 */
export function lockFolder(folder: string): FolderLock {
  const path = join(folder, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), token: randomUUID() };
  for (let tries = 0; ; tries++) {
    try {
      linkExclusive(path, me);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = readHolder(path);
    if (holder === "gone") continue;
    if (holder === "unreadable") {
      throw new Error(`the store folder \`${folder}\` has a lock file \`${path}\` that cannot be read: remove it if no process uses the folder`);
    }
    if (!isStale(holder, me) || tries >= 20) throw new StoreLockedError(folder, holder, held.has(holder.token));
    takeOver(path, holder, me);
  }
  held.add(me.token);
  const onExit = (): void => release();
  process.once("exit", onExit);
  let released = false;
  function release(): void {
    if (released) return;
    released = true;
    held.delete(me.token);
    process.removeListener("exit", onExit);
    const current = readHolder(path);
    if (current !== "gone" && current !== "unreadable" && current.token === me.token) {
      try {
        unlinkSync(path);
      } catch {
        // already removed
      }
    }
  }
  return { holder: me, release };
}
