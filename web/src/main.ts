/**
 * The Heed playground: the editor, the checks' diagnostics, the diagram,
 * the silent-contact timeline, the contact workbench and the comparison with
 * a baseline, wired together, with the whole state kept in the page's link.
 *
 * @module
 */

import {
  convertPolicy,
  detectFormat,
  formatPolicy,
  parsePolicy,
  printYaml,
  stripSpans,
  type DiffChange,
  type Policy,
} from "../../src/index.js";
import { checkPolicy, fileName, type CheckResult } from "./check.js";
import { drawDiagram } from "./diagram.js";
import { DiffPanel } from "./diff-view.js";
import { byId, el } from "./dom.js";
import { PolicyEditor } from "./editor.js";
import { policySources, servedMode, testCasesFor, type PolicySource, type TestCase } from "./examples.js";
import { drawSilent } from "./silent-view.js";
import { decodeState, encodeState, initialState, StateLinkError, type PlaygroundState, type TextFormat } from "./state.js";
import { displayZone, isoIn, localDay } from "./time.js";
import { axisStartFor, Workbench } from "./workbench.js";

const CHECK_DELAY_MS = 80;
const URL_DELAY_MS = 250;

class Playground {
  state: PlaygroundState;
  private readonly sources = policySources();
  private readonly editors: Record<"policy" | "baseline", PolicyEditor>;
  private readonly workbench: Workbench;
  private readonly diff: DiffPanel;
  private result: CheckResult = { format: "dsl", diagnostics: [] };
  private baselineResult: CheckResult | undefined;
  private checkTimer: ReturnType<typeof setTimeout> | undefined;
  private urlTimer: ReturnType<typeof setTimeout> | undefined;
  private urlVersion = 0;
  private drawnDiagram = "";
  private drawnSilent: CheckResult["silent"];
  private readOnly = false;
  /** Counts finished checks, for tests and the benchmark (`data-checks` on the body). */
  private checks = 0;

  constructor(state: PlaygroundState) {
    this.state = state;
    const hooks = (tab: "policy" | "baseline") => ({
      onChange: (text: string) => this.onText(tab, text),
      onFormat: () => this.format(tab),
    });
    this.editors = {
      policy: new PolicyEditor(byId("editor-policy"), state.policy.text, state.policy.format, "policy editor", hooks("policy")),
      baseline: new PolicyEditor(byId("editor-baseline"), state.baseline.text, state.baseline.format, "baseline editor: the version the policy is compared with", hooks("baseline")),
    };
    const app = this;
    this.workbench = new Workbench({
      get state() {
        return app.state;
      },
      commit: (change) => this.commitWorkbench(change),
    });
    this.diff = new DiffPanel({
      showOnWorkbench: (change, zone) => this.showChange(change, zone),
      chooseInstant: (ms) => this.commitWorkbench((s) => (s.view.at = isoIn(ms, this.zone))),
    });
    this.bindControls();
    this.renderMenu();
    this.setReadOnly(this.sources.find((s) => s.key === `served:${state.policy.origin?.file}`)?.readOnly === true && state.policy.origin?.kind === "served");
    this.selectTab(state.view.tab, false);
    this.workbench.renderAttributes();
    this.runChecks();
  }

  private get zone(): string {
    return displayZone(this.state, this.result.policy);
  }

  // ------------------------------------------------------------ text and checks

  private onText(tab: "policy" | "baseline", text: string): void {
    const side = tab === "policy" ? this.state.policy : this.state.baseline;
    side.text = text;
    // The text says its own form once its first line does (`cadence "x" {` or `cadence:`).
    const detected = confidentFormat(text);
    if (detected !== undefined && detected !== side.format) this.setFormat(tab, detected);
    if (tab === "policy" && this.state.policy.origin?.kind !== "draft" && this.state.policy.origin !== undefined) {
      this.state.policy.origin = { kind: "draft", file: this.state.policy.origin.file };
      byId("origin").textContent = `edited from ${this.state.policy.origin.file}`;
    }
    if (this.checkTimer !== undefined) clearTimeout(this.checkTimer);
    this.checkTimer = setTimeout(() => this.runChecks(), CHECK_DELAY_MS);
    this.saveUrl();
  }

  private setFormat(tab: "policy" | "baseline", format: TextFormat): void {
    (tab === "policy" ? this.state.policy : this.state.baseline).format = format;
    this.editors[tab].setFormat(format);
    byId<HTMLSelectElement>(`format-${tab}`).value = format;
  }

  /** Checks both texts and redraws whatever depends on them. */
  private runChecks(): void {
    this.checkTimer = undefined;
    this.result = checkPolicy(this.state.policy.text, this.state.policy.format);
    this.editors.policy.showDiagnostics(this.result.diagnostics);
    this.renderProblems();
    const baseline = this.state.baseline;
    this.baselineResult = baseline.text.trim() === "" ? undefined : checkPolicy(baseline.text, baseline.format, { silent: false });
    this.editors.baseline.showDiagnostics(this.baselineResult?.diagnostics ?? []);
    this.renderTabBadges();
    this.checks++;
    document.body.dataset.checks = String(this.checks);
    // What follows is slower (the strips, the diagram): let the diagnostics paint first.
    setTimeout(() => this.renderAnalysis(), 0);
  }

  private renderAnalysis(): void {
    this.renderSilent();
    this.renderWorkbench();
    this.diff.update(this.state.policy, this.state.baseline, this.zone);
  }

  private renderWorkbench(): void {
    const zone = this.zone;
    this.workbench.update({
      ...(this.result.policy ? { policy: this.result.policy } : {}),
      ...(this.result.engine ? { engine: this.result.engine } : {}),
      ...(this.baselineResult?.engine ? { baselineEngine: this.baselineResult.engine } : {}),
      zone,
    });
    this.diff.showWorkbenchChanges(this.workbench.changes, zone, this.baselineResult?.engine !== undefined);
    this.renderDiagram(this.workbench.decisionsAt().stage);
  }

  private renderDiagram(stage: string | undefined): void {
    const target = byId("diagram");
    const text = this.result.mermaid;
    if (text === undefined) {
      target.dataset.state = "stale";
      byId("diagram-note").textContent = this.result.diagnostics.some((d) => d.severity === "error") ? "the diagram waits for the policy's errors to be fixed" : "";
      return;
    }
    byId("diagram-note").textContent = stage === undefined ? "" : `highlighted: \`${stage}\`, the contact's stage at the chosen instant`;
    const key = `${text}\n${stage ?? ""}`;
    if (key === this.drawnDiagram) return;
    this.drawnDiagram = key;
    target.dataset.state = "drawing";
    void drawDiagram(target, text, stage).then(() => {
      if (this.drawnDiagram === key) target.dataset.state = "drawn";
    });
  }

  private renderSilent(): void {
    const target = byId("silent");
    const report = this.result.silent;
    if (report === undefined || this.result.policy === undefined) {
      if (this.result.diagnostics.some((d) => d.severity === "error")) target.dataset.state = "stale";
      return;
    }
    if (report === this.drawnSilent) return;
    this.drawnSilent = report;
    target.dataset.state = "drawn";
    const stages = this.result.policy.stages.length === 0 ? [{ name: "active", final: false }] : this.result.policy.stages.map((s) => ({ name: s.name.name, final: s.final === true }));
    drawSilent(target, report, this.result.silentSummary ?? "", stages);
  }

  private renderProblems(): void {
    const list = byId("problems");
    const diagnostics = this.result.diagnostics;
    const errors = diagnostics.filter((d) => d.severity === "error").length;
    const warnings = diagnostics.length - errors;
    byId("problems-summary").textContent =
      diagnostics.length === 0 ? "No problems: the policy checks clean." : [errors > 0 ? `${errors} error${errors === 1 ? "" : "s"}` : "", warnings > 0 ? `${warnings} warning${warnings === 1 ? "" : "s"}` : ""].filter((s) => s !== "").join(", ");
    byId("problems-summary").className = errors > 0 ? "has-errors" : warnings > 0 ? "has-warnings" : "clean";
    list.replaceChildren(
      ...diagnostics.map((d) => {
        const where = d.span ? `line ${d.span.line}, column ${d.span.column}` : "";
        const button = el(
          "button",
          { type: "button", class: `problem ${d.severity}`, "data-line": d.span?.line ?? "", "data-code": d.code },
          el("span", { class: `severity ${d.severity}` }, d.severity),
          el("span", { class: "where" }, where),
          el("span", { class: "message" }, d.message, d.hint ? el("span", { class: "hint" }, ` (${d.hint})`) : null),
          el("code", { class: "code" }, d.code),
        );
        button.addEventListener("click", () => {
          this.selectTab("policy");
          if (d.span) this.editors.policy.reveal(d.span.line, d.span.column);
        });
        return el("li", {}, button);
      }),
    );
  }

  private renderTabBadges(): void {
    const count = (r: CheckResult | undefined): number => r?.diagnostics.filter((d) => d.severity === "error").length ?? 0;
    for (const [tab, result] of [["policy", this.result], ["baseline", this.baselineResult]] as const) {
      const n = count(result);
      const badge = byId(`tab-${tab}-badge`);
      badge.textContent = n === 0 ? "" : `${n} error${n === 1 ? "" : "s"}`;
      badge.hidden = n === 0;
    }
  }

  // ------------------------------------------------------------ workbench

  private commitWorkbench(change: (state: PlaygroundState) => void): void {
    change(this.state);
    this.saveUrl();
    this.renderWorkbench();
  }

  private showChange(change: DiffChange, zone: string): void {
    this.commitWorkbench((s) => {
      s.history = change.history.map((e) => ({ ...e }));
      s.view.at = change.at;
      s.contact.timezone = zone;
      if (change.variant?.attributes) {
        s.contact.attributes = Object.entries(change.variant.attributes).map(([name, value]) =>
          typeof value === "boolean"
            ? { name, type: "boolean", value: String(value) }
            : typeof value === "number"
              ? { name, type: "number", value: String(value) }
              : Array.isArray(value)
                ? { name, type: "list", value: value.join(", ") }
                : { name, type: "string", value: String(value) },
        );
      }
      s.view.from = axisStartFor(s.history, s.view.at, zone);
      const span = (Date.parse(change.at) - Date.parse(`${s.view.from}T00:00:00Z`)) / 86_400_000;
      s.view.days = span < 6 ? 7 : span < 13 ? 14 : span < 27 ? 28 : 60;
    });
    this.workbench.renderAttributes();
    byId("live").textContent = `loaded the history of change: ${change.message}`;
    byId("workbench").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  private loadCase(c: TestCase): void {
    const zone = c.timezone !== "" ? c.timezone : this.zone;
    this.commitWorkbench((s) => {
      s.contact = { timezone: c.timezone, account: c.account, attributes: c.attributes };
      s.history = c.history.map((e) => ({ ...e }));
      s.view.at = c.at;
      s.view.from = axisStartFor(s.history, c.at, zone);
      const span = (Date.parse(c.at) - Date.parse(`${s.view.from}T00:00:00Z`)) / 86_400_000;
      s.view.days = span < 6 ? 7 : span < 13 ? 14 : span < 27 ? 28 : 60;
    });
    this.workbench.renderAttributes();
    byId("live").textContent = `loaded the test case “${c.name}”`;
  }

  // ------------------------------------------------------------ controls

  private bindControls(): void {
    for (const tab of ["policy", "baseline"] as const) {
      const button = byId(`tab-${tab}`);
      button.addEventListener("click", () => this.selectTab(tab));
      button.addEventListener("keydown", (e) => {
        if (e.key === "ArrowRight" || e.key === "ArrowLeft" || e.key === "Home" || e.key === "End") {
          e.preventDefault();
          const next = tab === "policy" ? "baseline" : "policy";
          const target = e.key === "Home" ? "policy" : e.key === "End" ? "baseline" : next;
          this.selectTab(target);
          byId(`tab-${target}`).focus();
        }
      });
      byId<HTMLSelectElement>(`format-${tab}`).addEventListener("change", (e) => {
        this.setFormat(tab, (e.target as HTMLSelectElement).value as TextFormat);
        this.runChecks();
        this.saveUrl();
      });
    }
    byId("format-button").addEventListener("click", () => this.format(this.state.view.tab));
    byId("convert-button").addEventListener("click", () => this.convert(this.state.view.tab));
    byId("copy-to-baseline").addEventListener("click", () => {
      this.editors.baseline.setText(this.state.policy.text);
      this.setFormat("baseline", this.state.policy.format);
      byId("live").textContent = "the policy was copied to the baseline: edit the policy to see what changes";
    });
    byId("copy-link").addEventListener("click", () => void this.copyLink());
    byId("edit-copy").addEventListener("click", () => {
      this.setReadOnly(false);
      if (this.state.policy.origin) this.state.policy.origin = { kind: "draft", file: this.state.policy.origin.file };
      byId("origin").textContent = `a copy of ${this.state.policy.origin?.file ?? "the served policy"} (not saved to the server)`;
      this.editors.policy.view.focus();
    });
    byId("download").addEventListener("click", () => this.download());
    byId<HTMLSelectElement>("open-policy").addEventListener("change", (e) => {
      const select = e.target as HTMLSelectElement;
      const source = this.sources.find((s) => s.key === select.value);
      if (source) this.open(source);
    });
    byId<HTMLSelectElement>("test-cases").addEventListener("change", (e) => {
      const select = e.target as HTMLSelectElement;
      const c = this.cases()[Number(select.value)];
      if (c) this.loadCase(c);
      select.value = "";
    });
  }

  private cases(): TestCase[] {
    const file = this.state.policy.origin?.file;
    return file === undefined ? [] : testCasesFor(file);
  }

  private renderMenu(): void {
    const select = byId<HTMLSelectElement>("open-policy");
    const groups: [string, PolicySource[]][] = [
      ["served policies (read-only)", this.sources.filter((s) => s.kind === "served")],
      ["local files", this.sources.filter((s) => s.kind === "local")],
      ["examples", this.sources.filter((s) => s.kind === "example")],
    ];
    select.replaceChildren(
      el("option", { value: "" }, "Open a policy…"),
      ...groups.filter(([, list]) => list.length > 0).map(([label, list]) => el("optgroup", { label }, ...list.map((s) => el("option", { value: s.key }, s.file)))),
    );
    const origin = this.state.policy.origin;
    byId("origin").textContent = origin === undefined ? "" : origin.kind === "draft" ? `edited from ${origin.file}` : origin.file;
    this.renderCases();
  }

  private renderCases(): void {
    const cases = this.cases();
    const select = byId<HTMLSelectElement>("test-cases");
    select.replaceChildren(el("option", { value: "" }, cases.length === 0 ? "(no test cases for this policy)" : `Load a test case (${cases.length})…`), ...cases.map((c, i) => el("option", { value: String(i) }, c.name)));
    select.disabled = cases.length === 0;
  }

  private open(source: PolicySource): void {
    this.setFormat("policy", source.format);
    this.editors.policy.setText(source.text);
    this.state.policy.text = source.text;
    this.state.policy.origin = { kind: source.kind, file: source.file };
    this.setReadOnly(source.readOnly);
    byId<HTMLSelectElement>("open-policy").value = "";
    this.renderMenu();
    this.selectTab("policy");
    const first = this.cases()[0];
    if (first) this.loadCase(first);
    this.runChecks();
    this.saveUrl();
  }

  private setReadOnly(readOnly: boolean): void {
    this.readOnly = readOnly;
    this.editors.policy.setReadOnly(readOnly);
    byId("read-only-banner").hidden = !readOnly;
  }

  private selectTab(tab: "policy" | "baseline", save = true): void {
    this.state.view.tab = tab;
    for (const t of ["policy", "baseline"] as const) {
      const selected = t === tab;
      const button = byId(`tab-${t}`);
      button.setAttribute("aria-selected", String(selected));
      button.tabIndex = selected ? 0 : -1;
      byId(`panel-${t}`).hidden = !selected;
    }
    if (save) this.saveUrl();
  }

  private format(tab: "policy" | "baseline"): void {
    if (tab === "policy" && this.readOnly) return this.say("the served policy is read-only: choose “Edit a copy” first");
    const side = tab === "policy" ? this.state.policy : this.state.baseline;
    const { policy } = parsePolicy(side.text, { file: fileName(side.format), format: side.format });
    if (policy === undefined) return this.say("fix the syntax errors first: the formatter prints the parsed policy");
    const formatted = side.format === "yaml" ? printYaml(policy) : formatPolicy(policy);
    const reread = parsePolicy(formatted, { file: fileName(side.format), format: side.format }).policy;
    if (!samePolicy(reread, policy)) return this.say("formatting would change the policy's meaning: the text was left as it is");
    if (formatted === side.text) return this.say("already formatted");
    this.editors[tab].setText(formatted);
    this.say("formatted (Ctrl-Z undoes)");
  }

  private convert(tab: "policy" | "baseline"): void {
    if (tab === "policy" && this.readOnly) return this.say("the served policy is read-only: choose “Edit a copy” first");
    const side = tab === "policy" ? this.state.policy : this.state.baseline;
    const to: TextFormat = side.format === "dsl" ? "yaml" : "dsl";
    const { output, diagnostics } = convertPolicy(side.text, { to, file: fileName(side.format) });
    if (output === undefined) return this.say(`cannot convert: ${diagnostics.find((d) => d.severity === "error")?.message ?? "the policy has errors"}`);
    this.editors[tab].setText(output);
    this.setFormat(tab, to);
    this.runChecks();
    this.say(`converted to ${to === "yaml" ? "YAML" : "the DSL"} (Ctrl-Z undoes)`);
  }

  private download(): void {
    const side = this.state.policy;
    const origin = side.origin?.file ?? fileName(side.format);
    const name = side.format === "yaml" ? origin.replace(/\.heed$/, ".heed.yaml") : origin.replace(/\.heed\.ya?ml$/, ".heed");
    const link = el("a", { href: URL.createObjectURL(new Blob([side.text], { type: "text/plain" })), download: name.split("/").pop() ?? name });
    link.click();
    URL.revokeObjectURL(link.href);
  }

  private say(message: string): void {
    byId("status").textContent = message;
    byId("live").textContent = message;
  }

  // ------------------------------------------------------------ the link

  private saveUrl(): void {
    if (this.urlTimer !== undefined) clearTimeout(this.urlTimer);
    this.urlTimer = setTimeout(() => void this.writeUrl(), URL_DELAY_MS);
  }

  private async writeUrl(): Promise<string> {
    this.urlTimer = undefined;
    const version = ++this.urlVersion;
    const fragment = await encodeState(this.state);
    if (version === this.urlVersion) {
      history.replaceState(null, "", `#${fragment}`);
      document.body.dataset.urlVersion = String(version);
    }
    return `${location.origin}${location.pathname}#${fragment}`;
  }

  private async copyLink(): Promise<void> {
    if (this.urlTimer !== undefined) clearTimeout(this.urlTimer);
    const url = await this.writeUrl();
    const field = byId<HTMLInputElement>("link-field");
    field.value = url;
    byId("link-box").hidden = false;
    try {
      await navigator.clipboard.writeText(url);
      this.say(`link copied (${url.length} characters): it restores the policy, the baseline, the contact and the history`);
    } catch {
      field.select();
      this.say("the link is selected below: copy it with Ctrl-C");
    }
  }
}

/** The form a text's first line shows for sure, if it does. */
function confidentFormat(text: string): TextFormat | undefined {
  if (detectFormat(text) === "dsl") return "dsl";
  return /^\s*cadence\s*:/m.test(text) ? "yaml" : undefined;
}

function samePolicy(a: Policy | undefined, b: Policy): boolean {
  return a !== undefined && JSON.stringify(stripSpans(a)) === JSON.stringify(stripSpans(b));
}

async function boot(): Promise<void> {
  const sources = policySources();
  let state: PlaygroundState | undefined;
  try {
    state = await decodeState(location.hash);
  } catch (error) {
    if (!(error instanceof StateLinkError)) throw error;
    byId("status").textContent = `${error.message}: the page opened with an example instead`;
  }
  if (state === undefined) {
    const mode = servedMode();
    const first = (mode !== undefined ? sources.find((s) => s.kind !== "example") : undefined) ?? sources.find((s) => s.file === "inbound.heed") ?? sources[0];
    state = initialState(first?.text ?? "", first?.format ?? "dsl", first ? { kind: first.kind, file: first.file } : undefined);
    const c = first ? testCasesFor(first.file)[0] : undefined;
    if (c) {
      state.contact = { timezone: c.timezone, account: c.account, attributes: c.attributes };
      state.history = c.history.map((e) => ({ ...e }));
      state.view.at = c.at;
      state.view.from = localDay(Date.parse(c.history[0]?.at ?? c.at), c.timezone || "UTC");
    }
  }
  const app = new Playground(state);
  (window as unknown as { heedPlayground: Playground }).heedPlayground = app;
  document.body.dataset.ready = "true";
}

void boot();
