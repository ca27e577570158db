/**
 * The verbs of `heed`, in the order `heed --help` lists them. To add a
 * verb, write a module exporting a {@link Verb} and list it here.
 *
 * @module
 */

import type { Verb } from "../verb.js";
import { checkVerb } from "./check.js";
import { convertVerb } from "./convert.js";
import { diffVerb } from "./diff.js";
import { explainVerb } from "./explain.js";
import { fmtVerb } from "./fmt.js";
import { graphVerb } from "./graph.js";
import { lspVerb } from "./lsp.js";
import { migrateVerb } from "./migrate.js";
import { playgroundVerb } from "./playground.js";
import { serveVerb } from "./serve.js";
import { simulateVerb } from "./simulate.js";
import { testVerb } from "./test.js";

export const VERBS: readonly Verb[] = [checkVerb, testVerb, explainVerb, fmtVerb, convertVerb, simulateVerb, serveVerb, migrateVerb, graphVerb, diffVerb, playgroundVerb, lspVerb];
