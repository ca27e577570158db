/**
 * The comparison of the editor's policy with its baseline (the second tab):
 * `diffPolicies`, run in a worker, lists each kind of change with its
 * smallest history, which the workbench can load; and the stretches of the
 * workbench's own history where the two versions decide differently.
 *
 * @module
 */

import type { DiffChange, DiffReport } from "../../src/index.js";
import type { DiffAnswer, DiffRequest } from "./diff-worker.js";
import { byId, el, VERDICT_LABEL } from "./dom.js";
import type { TextFormat } from "./state.js";
import type { Difference } from "./strips.js";
import { showTime } from "./time.js";

/** What the panel needs from the page. */
export interface DiffHost {
  /** Loads a change's smallest history into the workbench. */
  showOnWorkbench(change: DiffChange, zone: string): void;
  /** Chooses an instant on the workbench. */
  chooseInstant(ms: number): void;
}

const DEBOUNCE_MS = 350;

/** The comparison panel. */
export class DiffPanel {
  private worker: Worker | undefined;
  private busy = false;
  private lastKey = "";
  private requestId = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private zone = "UTC";
  /** The last report shown, for tests and the page's status. */
  report: DiffReport | undefined;

  constructor(private readonly host: DiffHost) {}

  /** Compares again when the texts or the zone changed (debounced); clears the panel without a baseline. */
  update(policy: { text: string; format: TextFormat }, baseline: { text: string; format: TextFormat }, zone: string): void {
    const key = JSON.stringify([policy, baseline, zone]);
    if (key === this.lastKey) return;
    this.lastKey = key;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (baseline.text.trim() === "") {
      this.stop();
      this.report = undefined;
      byId("diff-status").textContent = "no baseline: put the version to compare with in the Baseline tab (or use “Copy policy to baseline” before you edit)";
      byId("diff-changes").replaceChildren();
      return;
    }
    byId("diff-status").textContent = "comparing…";
    this.timer = setTimeout(() => this.run({ id: ++this.requestId, old: baseline, new: policy, zone }), DEBOUNCE_MS);
  }

  private stop(): void {
    if (this.worker !== undefined && this.busy) {
      this.worker.terminate();
      this.worker = undefined;
    }
    this.busy = false;
  }

  private run(request: DiffRequest): void {
    this.stop();
    this.zone = request.zone;
    this.worker ??= new Worker(new URL("./diff-worker.js", import.meta.url), { type: "module", name: "heed-diff" });
    this.worker.onmessage = (e: MessageEvent<DiffAnswer>) => {
      if (e.data.id !== this.requestId) return;
      this.busy = false;
      this.show(e.data);
    };
    this.worker.onerror = (e) => {
      this.busy = false;
      byId("diff-status").textContent = `the comparison failed: ${e.message}`;
    };
    this.busy = true;
    this.worker.postMessage(request);
  }

  private show(answer: DiffAnswer): void {
    const list = byId("diff-changes");
    if ("error" in answer) {
      this.report = undefined;
      byId("diff-status").textContent = answer.error;
      list.replaceChildren();
      return;
    }
    const { report } = answer;
    this.report = report;
    const tried = `${report.explored.histories} histories of up to ${report.explored.depth} ${report.explored.depth === 1 ? "event" : "events"} at every boundary, then chains of touches${report.explored.complete ? "" : " (stopped at the limit)"}, in ${answer.ms} ms`;
    byId("diff-status").textContent = report.same
      ? report.explored.histories === 0
        ? "no difference: the two versions are the same policy"
        : `no difference in decisions (tried ${tried})`
      : `${report.changes.length} kind${report.changes.length === 1 ? "" : "s"} of change (tried ${tried})`;
    list.replaceChildren(
      ...report.changes.map((change, i) => {
        const button = el("button", { type: "button", class: "small" }, "Show on the workbench");
        button.addEventListener("click", () => this.host.showOnWorkbench(change, this.zone));
        const needs = change.variant ? el("div", { class: "muted" }, `for ${change.variant.label}`) : null;
        return el(
          "li",
          { class: "change", "data-kind": change.kind },
          el("div", { class: "change-head" }, el("span", { class: "change-number" }, `${i + 1}`), el("span", {}, change.message)),
          el("div", { class: "muted" }, `touch proposed at ${showTime(Date.parse(change.at), this.zone)}`),
          needs,
          button,
        );
      }),
    );
  }

  /** The stretches of the workbench's history where the versions differ, in words. */
  showWorkbenchChanges(differences: readonly Difference[], zone: string, hasBaseline: boolean): void {
    const target = byId("workbench-changes");
    if (!hasBaseline) {
      target.replaceChildren();
      return;
    }
    if (differences.length === 0) {
      target.replaceChildren(el("p", { class: "muted" }, "On the workbench's history, the two versions decide every channel the same."));
      return;
    }
    const describe = (s: Difference["before"]): string => `${VERDICT_LABEL[s.verdict]}${s.notBefore === undefined ? "" : ` until ${showTime(Date.parse(s.notBefore), zone)}`}`;
    target.replaceChildren(
      el("p", {}, `On the workbench's history, ${differences.length} stretch${differences.length === 1 ? "" : "es"} decide differently (outlined on the strips):`),
      el(
        "ul",
        { class: "workbench-changes" },
        ...differences.slice(0, 30).map((d) => {
          const button = el("button", { type: "button", class: "link" }, `${d.channel}, ${showTime(d.from, zone)} to ${showTime(d.to, zone)}`);
          button.addEventListener("click", () => this.host.chooseInstant(d.from));
          return el("li", {}, button, `: baseline ${describe(d.before)}, now ${describe(d.after)}`);
        }),
      ),
    );
  }
}
