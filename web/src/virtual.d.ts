/** The files of `examples/`, bundled by the build (web/build.mjs). */
declare module "heed:examples" {
  /** Each policy and test file of `examples/`, by file name. */
  export const EXAMPLE_FILES: readonly { file: string; text: string }[];
}
