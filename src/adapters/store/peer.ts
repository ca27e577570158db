/**
 * The database drivers are optional peer dependencies: `import "heed"` or a
 * memory store installs neither `pg` nor PGlite. A store loads its driver
 * when it is opened, and says which package to install when it is missing.
 *
 * @module
 */

/** A store's driver package is not installed. */
export class MissingDriverError extends Error {
  override readonly name = "MissingDriverError";
  /** The package to install (`pg`, `@electric-sql/pglite`). */
  readonly packageName: string;
  constructor(packageName: string, store: string) {
    super(`${store} needs the package \`${packageName}\`, which is not installed: run \`npm install ${packageName}\``);
    this.packageName = packageName;
  }
}

/**
 * Imports an optional driver. `load` is the literal `import()` (so the
 * driver's types are checked); only the driver's own absence becomes a
 * {@link MissingDriverError}: a failure inside an installed driver is thrown as it is.
 */
export async function loadDriver<T>(packageName: string, store: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = error instanceof Error ? error.message : "";
    if ((code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && message.includes(`'${packageName}'`)) {
      throw new MissingDriverError(packageName, store);
    }
    throw error;
  }
}
