// Entry point of `npm run bench`: runs bench/main.ts through tsx, so the
// benchmark measures the TypeScript sources of the working tree as they are.
import { register } from "tsx/esm/api";

register();
await import("./main.ts");
