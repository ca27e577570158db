/**
 * The contact workbench: a contact (zone, account, attributes), a history
 * built by clicking on a time axis, the contact's stages over that time, and
 * a strip per declared channel coloured allow / defer / deny with the
 * reasons on hover. With a baseline, the baseline's decisions are drawn
 * under each strip and the differences are marked.
 *
 * @module
 */

import type { Decision, Engine, HistoryEvent, Policy } from "../../src/index.js";
import { HeedInputError, stageGraph } from "../../src/index.js";
import { byId, el, stageColor, type StageList, VERDICT_LABEL } from "./dom.js";
import { engineContact, type AttributeEntry, type PlaygroundState } from "./state.js";
import { channelStrips, stripDifferences, type Difference, type Segment, type StageBand, type StripsResult } from "./strips.js";
import { axisWindow, fromLocalInput, isoIn, isWeekend, isZone, localDay, showDay, showTime, snap, toLocalInput } from "./time.js";

/** What the workbench needs from the page. */
export interface WorkbenchHost {
  readonly state: PlaygroundState;
  /** Changes the state (the workbench's part of it) and redraws. */
  commit(change: (state: PlaygroundState) => void): void;
}

/** The policy versions the workbench decides with. */
export interface Deciders {
  policy?: Policy;
  engine?: Engine;
  /** The baseline, when one is set and has no errors. */
  baselineEngine?: Engine;
  /** The zone times are shown in. */
  zone: string;
}

/** Signals offered in the palette (the spec's built-in ones); a policy's own are added. */
const PALETTE_SIGNALS = ["reply", "content_download", "meeting_booked", "call_connected", "unsubscribe", "purchase", "bounce", "open", "click"];

/** Everything a strip segment says in words (tooltip and accessible name). */
export function describeSegment(channel: string, s: Segment, zone: string): string {
  const lines = [`${channel}: ${VERDICT_LABEL[s.verdict]} from ${showTime(s.from, zone)} to ${showTime(s.to, zone)} (stage ${s.stage})`];
  if (s.notBefore !== undefined) lines.push(`not before ${showTime(Date.parse(s.notBefore), zone)}`);
  for (const r of s.reasons) lines.push(`${r.rule}: ${r.message}`);
  return lines.join("\n");
}

/** The signal names a policy mentions (in `on`, `without`, `after`, `within ... of`, `engagement`). */
export function signalsOf(policy: Policy | undefined): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== "object" || node === null) return;
    const record = node as Record<string, unknown>;
    const signal = record.signal as { name?: unknown } | undefined;
    if (signal !== undefined && typeof signal.name === "string") found.add(signal.name);
    for (const [key, value] of Object.entries(record)) {
      if (key === "span" || key === "comments") continue;
      if (key === "engagement" && Array.isArray(value)) for (const v of value) if (typeof v?.name === "string") found.add(v.name);
      visit(value);
    }
  };
  visit(policy);
  return [...found];
}

/** The contact attributes a policy reads (`contact.role`), for suggestions. */
export function attributesOf(policy: Policy | undefined): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== "object" || node === null) return;
    const record = node as Record<string, unknown>;
    if (record.kind === "path" && Array.isArray(record.segments) && record.segments[0] === "contact" && typeof record.segments[1] === "string") {
      if (record.segments[1] !== "timezone") found.add(record.segments[1]);
    }
    for (const [key, value] of Object.entries(record)) if (key !== "span") visit(value);
  };
  visit(policy);
  return [...found].sort();
}

/** The workbench, bound to the page's elements. */
export class Workbench {
  private deciders: Deciders = { zone: "UTC" };
  private result: StripsResult = { strips: [], stages: [] };
  private baselineResult: StripsResult | undefined;
  private differences: Difference[] = [];
  private stages: StageList = [];
  private readonly tooltip = byId("tooltip");
  private focusedSegment: { channel: string; index: number } | undefined;

  constructor(private readonly host: WorkbenchHost) {
    byId("add-attribute").addEventListener("click", () => {
      host.commit((s) => s.contact.attributes.push({ name: "", type: "string", value: "" }));
      this.renderAttributes();
      const inputs = byId("attributes").querySelectorAll<HTMLInputElement>("input.attr-name");
      inputs[inputs.length - 1]?.focus();
    });
    byId<HTMLInputElement>("timezone").addEventListener("input", (e) => {
      const value = (e.target as HTMLInputElement).value;
      host.commit((s) => (s.contact.timezone = value));
    });
    byId<HTMLInputElement>("account").addEventListener("input", (e) => {
      const value = (e.target as HTMLInputElement).value;
      host.commit((s) => (s.contact.account = value));
    });
    byId<HTMLInputElement>("axis-from").addEventListener("change", (e) => {
      const value = (e.target as HTMLInputElement).value;
      if (/^\d{4}-\d{2}-\d{2}$/.test(value)) host.commit((s) => (s.view.from = value));
    });
    byId<HTMLSelectElement>("axis-days").addEventListener("change", (e) => {
      const value = Number((e.target as HTMLSelectElement).value);
      host.commit((s) => (s.view.days = value));
    });
    byId<HTMLSelectElement>("event-kind").addEventListener("change", () => this.showPaletteFields());
    byId("history-lane").addEventListener("click", (e) => this.onLaneClick(e as MouseEvent));
    byId("history-lane").addEventListener("keydown", (e) => {
      if (e.target !== e.currentTarget || (e.key !== "Enter" && e.key !== " ")) return;
      e.preventDefault();
      this.addEvent(Date.parse(this.host.state.view.at));
    });
    byId("add-event").addEventListener("click", () => {
      const at = fromLocalInput(byId<HTMLInputElement>("event-at").value, this.deciders.zone);
      if (at === undefined) {
        byId("event-at-error").textContent = "choose a date and time first";
        return;
      }
      byId("event-at-error").textContent = "";
      this.addEvent(at);
    });
    byId<HTMLInputElement>("at-input").addEventListener("change", (e) => {
      const at = fromLocalInput((e.target as HTMLInputElement).value, this.deciders.zone);
      if (at !== undefined) host.commit((s) => (s.view.at = isoIn(at, this.deciders.zone)));
    });
    byId("clear-history").addEventListener("click", () => host.commit((s) => (s.history = [])));
    this.showPaletteFields();
  }

  /** The decisions of the policy at the chosen instant, one per declared channel; the stage. */
  decisionsAt(): { stage?: string; decisions: { channel: string; decision: Decision }[]; error?: string } {
    const { engine, policy } = this.deciders;
    if (engine === undefined || policy === undefined) return { decisions: [] };
    const contact = engineContact(this.host.state.contact);
    try {
      const decisions = policy.channels.map((c) => ({
        channel: c.name,
        decision: engine.evaluate({ contact, history: this.host.state.history, touch: { channel: c.name }, at: this.host.state.view.at }),
      }));
      return { stage: decisions[0]?.decision.stage, decisions };
    } catch (error) {
      if (error instanceof HeedInputError) return { decisions: [], error: error.message };
      throw error;
    }
  }

  /** The stretches where the baseline decides differently on this history. */
  get changes(): readonly Difference[] {
    return this.differences;
  }

  /** Recomputes the strips and redraws everything. */
  update(deciders: Deciders): void {
    this.deciders = deciders;
    this.stages = deciders.policy ? stageGraph(deciders.policy).stages : [];
    const state = this.host.state;
    const window = axisWindow(state.view.from, state.view.days, deciders.zone);
    const channels = deciders.policy?.channels.map((c) => c.name) ?? [];
    const contact = engineContact(state.contact);
    const input = { contact, history: state.history, channels, from: window.from, to: window.to, stepMinutes: state.view.days > 28 ? 60 : 30 };
    this.result = deciders.engine ? channelStrips(deciders.engine, input) : { strips: [], stages: [] };
    this.baselineResult = deciders.baselineEngine ? channelStrips(deciders.baselineEngine, input) : undefined;
    this.differences = this.baselineResult ? stripDifferences(this.baselineResult.strips, this.result.strips) : [];
    this.syncForm();
    this.renderPaletteChannels(channels, signalsOf(deciders.policy));
    this.renderAxis(window);
    this.renderHistory(window);
    this.renderStages(window);
    this.renderStrips(window);
    this.renderEvents();
    this.renderDetail();
  }

  private syncForm(): void {
    const state = this.host.state;
    const zone = byId<HTMLInputElement>("timezone");
    if (document.activeElement !== zone && zone.value !== state.contact.timezone) zone.value = state.contact.timezone;
    const zoneProblem = state.contact.timezone.trim() !== "" && !isZone(state.contact.timezone.trim());
    zone.setAttribute("aria-invalid", String(zoneProblem));
    byId("timezone-note").textContent = zoneProblem
      ? `unknown time zone \`${state.contact.timezone.trim()}\``
      : state.contact.timezone.trim() === ""
        ? `none: times are shown in ${this.deciders.zone}`
        : "";
    const account = byId<HTMLInputElement>("account");
    if (document.activeElement !== account && account.value !== state.contact.account) account.value = state.contact.account;
    const from = byId<HTMLInputElement>("axis-from");
    if (document.activeElement !== from) from.value = state.view.from;
    byId<HTMLSelectElement>("axis-days").value = String(state.view.days);
    const at = byId<HTMLInputElement>("at-input");
    if (document.activeElement !== at) at.value = toLocalInput(Date.parse(state.view.at), this.deciders.zone);
    const attributes = byId("attributes");
    if (attributes.childElementCount !== state.contact.attributes.length) this.renderAttributes();
    const suggestions = byId("attribute-names");
    suggestions.replaceChildren(...attributesOf(this.deciders.policy).map((name) => el("option", { value: name })));
    byId("zone-label").textContent = this.deciders.zone;
  }

  /** Redraws the attribute rows (after a row is added or removed, or a state loaded). */
  renderAttributes(): void {
    const rows = this.host.state.contact.attributes.map((entry, i) => this.attributeRow(entry, i));
    byId("attributes").replaceChildren(...rows);
  }

  private attributeRow(entry: AttributeEntry, i: number): HTMLElement {
    const name = el("input", { class: "attr-name", value: entry.name, "aria-label": `attribute ${i + 1} name`, list: "attribute-names", placeholder: "name", spellcheck: "false" });
    const type = el("select", { "aria-label": `attribute ${i + 1} type` }, ...["string", "number", "boolean", "list"].map((t) => el("option", { value: t, selected: t === entry.type }, t === "string" ? "text" : t === "boolean" ? "yes/no" : t)));
    const value =
      entry.type === "boolean"
        ? el("select", { "aria-label": `attribute ${i + 1} value` }, el("option", { value: "true", selected: entry.value === "true" }, "true"), el("option", { value: "false", selected: entry.value !== "true" }, "false"))
        : el("input", { value: entry.value, "aria-label": `attribute ${i + 1} value`, placeholder: entry.type === "list" ? "a, b, c" : "value", spellcheck: "false" });
    const remove = el("button", { type: "button", class: "icon-button", "aria-label": `remove attribute ${entry.name || i + 1}`, title: "remove" }, "×");
    name.addEventListener("input", () => this.host.commit((s) => (s.contact.attributes[i]!.name = name.value)));
    value.addEventListener(entry.type === "boolean" ? "change" : "input", () => this.host.commit((s) => (s.contact.attributes[i]!.value = value.value)));
    type.addEventListener("change", () => {
      this.host.commit((s) => {
        const a = s.contact.attributes[i]!;
        a.type = type.value as AttributeEntry["type"];
        if (a.type === "boolean" && a.value !== "true") a.value = "false";
      });
      this.renderAttributes();
    });
    remove.addEventListener("click", () => {
      this.host.commit((s) => s.contact.attributes.splice(i, 1));
      this.renderAttributes();
      byId("add-attribute").focus();
    });
    return el("div", { class: "attr-row" }, name, type, value, remove);
  }

  private showPaletteFields(): void {
    const kind = byId<HTMLSelectElement>("event-kind").value;
    for (const field of document.querySelectorAll<HTMLElement>("[data-for-kind]")) {
      field.hidden = !(field.dataset.forKind ?? "").split(" ").includes(kind);
    }
  }

  private renderPaletteChannels(channels: readonly string[], signals: readonly string[]): void {
    const lists: [string, string | undefined][] = [
      ["event-channel", undefined],
      ["reply-prefers", "(not given)"],
      ["unsubscribe-channel", "(every channel)"],
    ];
    for (const [id, none] of lists) {
      const select = byId<HTMLSelectElement>(id);
      const current = select.value;
      const values = [...(none === undefined ? [] : [""]), ...channels];
      if (select.options.length === values.length && [...select.options].every((o, i) => o.value === values[i])) continue;
      select.replaceChildren(...values.map((v) => el("option", { value: v }, v === "" ? (none ?? "") : v)));
      if (values.includes(current)) select.value = current;
    }
    const kinds = byId<HTMLSelectElement>("event-kind");
    const extra = signals.filter((s) => !PALETTE_SIGNALS.includes(s) && s !== "auto_reply");
    const existing = [...kinds.querySelectorAll<HTMLOptionElement>("option[data-policy-signal]")].map((o) => o.value);
    if (existing.join(",") !== extra.join(",")) {
      kinds.querySelectorAll("option[data-policy-signal]").forEach((o) => o.remove());
      const other = kinds.querySelector('option[value="other"]');
      for (const s of extra) kinds.insertBefore(el("option", { value: s, "data-policy-signal": true }, s), other);
    }
  }

  /** The event the palette describes, at an instant. */
  private paletteEvent(at: number): HistoryEvent | undefined {
    const zone = this.deciders.zone;
    const kind = byId<HTMLSelectElement>("event-kind").value;
    const event: HistoryEvent = { type: kind, at: isoIn(at, zone) };
    if (kind === "touch") {
      const channel = byId<HTMLSelectElement>("event-channel").value;
      if (channel === "") return undefined;
      event.channel = channel;
    } else if (kind === "reply") {
      const sentiment = byId<HTMLSelectElement>("reply-sentiment").value;
      const prefers = byId<HTMLSelectElement>("reply-prefers").value;
      const intent = byId<HTMLInputElement>("reply-intent").value.trim();
      if (sentiment !== "") event.sentiment = sentiment;
      if (prefers !== "") event.prefers = prefers;
      if (intent !== "") event.intent = intent;
      if (byId<HTMLInputElement>("reply-auto").checked) event.auto = true;
    } else if (kind === "unsubscribe") {
      const channel = byId<HTMLSelectElement>("unsubscribe-channel").value;
      if (channel !== "") event.channel = channel;
    } else if (kind === "other") {
      const type = byId<HTMLInputElement>("other-type").value.trim();
      if (type === "") {
        byId("event-at-error").textContent = "name the signal first";
        return undefined;
      }
      event.type = type;
    }
    // the ordering field first, so the history reads well in a link
    const { type, at: when, ...props } = event;
    return { type, at: when, ...props };
  }

  private addEvent(at: number): void {
    const event = this.paletteEvent(at);
    if (event === undefined) return;
    this.host.commit((s) => {
      s.history.push(event);
      s.history.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    });
    byId("live").textContent = `added ${describeEvent(event, this.deciders.zone)}`;
  }

  private onLaneClick(e: MouseEvent): void {
    if ((e.target as HTMLElement).closest(".event-marker")) return;
    const lane = byId("history-lane");
    const rect = lane.getBoundingClientRect();
    const window = axisWindow(this.host.state.view.from, this.host.state.view.days, this.deciders.zone);
    const fraction = Math.min(Math.max((e.clientX - rect.left) / rect.width, 0), 0.9999);
    this.addEvent(snap(window.from + fraction * (window.to - window.from), 15));
  }

  private renderAxis(window: { from: number; to: number; days: number[] }): void {
    const span = window.to - window.from;
    const ticks = window.days.slice(0, -1).map((start, i) => {
      const next = window.days[i + 1] as number;
      const weekend = isWeekend(start, this.deciders.zone);
      const label = this.host.state.view.days > 28 ? (i % 7 === 0 ? showDay(start, this.deciders.zone) : "") : showDay(start, this.deciders.zone);
      return el("div", { class: `day${weekend ? " weekend" : ""}`, style: `left:${pct(start - window.from, span)};width:${pct(next - start, span)}` }, el("span", {}, label));
    });
    byId("axis").replaceChildren(...ticks);
    const shades = window.days.slice(0, -1).flatMap((start, i) =>
      isWeekend(start, this.deciders.zone) ? [el("div", { class: "weekend-shade", style: `left:${pct(start - window.from, span)};width:${pct((window.days[i + 1] as number) - start, span)}` })] : [],
    );
    byId("shades").replaceChildren(...shades);
    const at = Date.parse(this.host.state.view.at);
    const marker = byId("at-marker");
    marker.hidden = !(at >= window.from && at < window.to);
    marker.style.left = pct(at - window.from, span);
  }

  private renderHistory(window: { from: number; to: number }): void {
    const span = window.to - window.from;
    const zone = this.deciders.zone;
    const markers = this.host.state.history.map((event, i) => {
      const t = Date.parse(event.at);
      if (!(t >= window.from && t < window.to)) return null;
      const label = describeEvent(event, zone);
      const button = el(
        "button",
        { type: "button", class: `event-marker kind-${event.type === "touch" ? "touch" : event.type === "reply" ? "reply" : "signal"}`, style: `left:${pct(t - window.from, span)}`, "aria-label": `${label}: press Delete to remove`, "data-index": i },
        el("span", { "aria-hidden": "true" }, eventGlyph(event)),
      );
      button.addEventListener("mouseenter", (e) => this.showTooltip(label, e as MouseEvent));
      button.addEventListener("mouseleave", () => this.hideTooltip());
      button.addEventListener("focus", () => this.showTooltipAt(label, button));
      button.addEventListener("blur", () => this.hideTooltip());
      button.addEventListener("keydown", (e) => {
        if (e.key === "Delete" || e.key === "Backspace") {
          this.removeEvent(i);
          byId("history-lane").focus();
        }
      });
      button.addEventListener("click", () => this.host.commit((s) => (s.view.at = event.at)));
      return button;
    });
    const hidden = this.host.state.history.length - markers.filter((m) => m !== null).length;
    byId("history-lane").replaceChildren(...markers.filter((m): m is HTMLButtonElement => m !== null));
    byId("history-outside").textContent = hidden > 0 ? `${hidden} event${hidden === 1 ? "" : "s"} outside the axis` : "";
  }

  private removeEvent(index: number): void {
    const event = this.host.state.history[index];
    this.hideTooltip();
    this.host.commit((s) => s.history.splice(index, 1));
    if (event) byId("live").textContent = `removed ${describeEvent(event, this.deciders.zone)}`;
  }

  private renderStages(window: { from: number; to: number }): void {
    const span = window.to - window.from;
    const bands = this.result.stages.map((band: StageBand) => {
      const color = stageColor(band.stage, this.stages);
      const text = `${band.stage} from ${showTime(band.from, this.deciders.zone)}${band.cause === "start" ? "" : ` (${band.cause})`}`;
      const node = el("div", { class: "stage-band", style: `left:${pct(band.from - window.from, span)};width:${pct(band.to - band.from, span)};background:${color.fill};border-color:${color.stroke};color:${color.text}`, title: text }, el("span", {}, band.stage));
      return node;
    });
    byId("stage-lane").replaceChildren(...bands);
  }

  private renderStrips(window: { from: number; to: number }): void {
    const span = window.to - window.from;
    const zone = this.deciders.zone;
    const container = byId("strips");
    const error = this.result.error;
    byId("strips-error").textContent = error === undefined ? "" : `the engine refused this contact or history: ${error}`;
    const rows: HTMLElement[] = [];
    for (const strip of this.result.strips) {
      const baseline = this.baselineResult?.strips.find((s) => s.channel === strip.channel);
      const segments = strip.segments.map((s, index) => this.segment(strip.channel, s, index, window, span, zone));
      const first = segments[0];
      if (first) first.tabIndex = 0;
      const bar = el("div", { class: "strip", role: "group", "aria-label": `${strip.channel}: decisions over the axis (arrow keys move, Enter chooses the instant)`, "data-channel": strip.channel }, ...segments);
      for (const diff of this.differences.filter((d) => d.channel === strip.channel)) {
        bar.append(el("div", { class: "difference", style: `left:${pct(diff.from - window.from, span)};width:${pct(diff.to - diff.from, span)}`, "aria-hidden": "true" }));
      }
      const row = el("div", { class: "strip-row" }, el("div", { class: "strip-label" }, strip.channel), bar);
      rows.push(row);
      if (baseline) {
        const ghost = el(
          "div",
          { class: "strip baseline-strip", "aria-hidden": "true" },
          ...baseline.segments.map((s) => el("div", { class: `seg ${s.verdict}`, style: `left:${pct(s.from - window.from, span)};width:${pct(s.to - s.from, span)}`, title: `baseline: ${describeSegment(strip.channel, s, zone)}` })),
        );
        rows.push(el("div", { class: "strip-row baseline-row" }, el("div", { class: "strip-label" }, "baseline"), ghost));
      }
    }
    container.replaceChildren(...rows);
    if (this.focusedSegment) {
      const { channel, index } = this.focusedSegment;
      const target = container.querySelector<HTMLElement>(`.strip[data-channel="${CSS.escape(channel)}"] .seg[data-index="${index}"]`);
      if (target) {
        container.querySelectorAll<HTMLElement>(`.strip[data-channel="${CSS.escape(channel)}"] .seg`).forEach((s) => (s.tabIndex = -1));
        target.tabIndex = 0;
        target.focus();
      }
      this.focusedSegment = undefined;
    }
  }

  private segment(channel: string, s: Segment, index: number, window: { from: number; to: number }, span: number, zone: string): HTMLElement {
    const text = describeSegment(channel, s, zone);
    const wide = (s.to - s.from) / span > 0.045;
    const node = el(
      "div",
      {
        class: `seg ${s.verdict}`,
        style: `left:${pct(s.from - window.from, span)};width:${pct(s.to - s.from, span)}`,
        role: "button",
        tabindex: -1,
        "aria-label": text.replace(/\n/g, "; "),
        "data-index": index,
        "data-verdict": s.verdict,
        "data-from": s.from,
      },
      wide ? el("span", { class: "seg-label", "aria-hidden": "true" }, VERDICT_LABEL[s.verdict]) : null,
    );
    node.addEventListener("mousemove", (e) => this.showTooltip(text, e as MouseEvent));
    node.addEventListener("mouseleave", () => this.hideTooltip());
    node.addEventListener("focus", () => this.showTooltipAt(text, node));
    node.addEventListener("blur", () => this.hideTooltip());
    node.addEventListener("click", (e) => {
      const rect = node.parentElement!.getBoundingClientRect();
      const t = snap(window.from + ((e as MouseEvent).clientX - rect.left) / rect.width * span, 15);
      this.chooseInstant(Math.min(Math.max(t, s.from), s.to - 1), channel, index);
    });
    node.addEventListener("keydown", (e) => {
      const strip = node.parentElement!;
      const all = [...strip.querySelectorAll<HTMLElement>(".seg")];
      const move = (to: HTMLElement | undefined): void => {
        if (!to) return;
        all.forEach((n) => (n.tabIndex = -1));
        to.tabIndex = 0;
        to.focus();
      };
      if (e.key === "ArrowRight") move(all[index + 1]);
      else if (e.key === "ArrowLeft") move(all[index - 1]);
      else if (e.key === "Home") move(all[0]);
      else if (e.key === "End") move(all[all.length - 1]);
      else if (e.key === "Enter" || e.key === " ") this.chooseInstant(s.from, channel, index);
      else return;
      e.preventDefault();
    });
    return node;
  }

  private chooseInstant(t: number, channel: string, index: number): void {
    this.focusedSegment = { channel, index };
    this.host.commit((s) => (s.view.at = isoIn(t, this.deciders.zone)));
  }

  private renderEvents(): void {
    const zone = this.deciders.zone;
    const rows = this.host.state.history.map((event, i) => {
      const remove = el("button", { type: "button", class: "icon-button", "aria-label": `remove ${describeEvent(event, zone)}`, title: "remove" }, "×");
      remove.addEventListener("click", () => {
        this.removeEvent(i);
        byId("event-kind").focus();
      });
      return el("li", {}, el("span", { class: `event-dot kind-${event.type === "touch" ? "touch" : event.type === "reply" ? "reply" : "signal"}`, "aria-hidden": "true" }, eventGlyph(event)), el("span", {}, describeEvent(event, zone)), remove);
    });
    byId("event-list").replaceChildren(...rows);
    byId("event-count").textContent = rows.length === 0 ? "no events yet: click the history lane above, or add one at a date below" : `${rows.length} event${rows.length === 1 ? "" : "s"}`;
  }

  private renderDetail(): void {
    const zone = this.deciders.zone;
    const at = Date.parse(this.host.state.view.at);
    const { stage, decisions, error } = this.decisionsAt();
    const target = byId("detail");
    if (error !== undefined) {
      target.replaceChildren(el("p", { class: "problem" }, `the engine refused the input: ${error}`));
      return;
    }
    if (decisions.length === 0) {
      target.replaceChildren(el("p", { class: "muted" }, "fix the policy's errors to see its decisions"));
      return;
    }
    const rows = decisions.map(({ channel, decision }) =>
      el(
        "tr",
        {},
        el("th", { scope: "row" }, channel),
        el("td", {}, el("span", { class: `badge ${decision.verdict}` }, VERDICT_LABEL[decision.verdict])),
        el("td", {}, decision.notBefore === undefined ? "" : `until ${showTime(Date.parse(decision.notBefore), zone)}`),
        el("td", { class: "reasons" }, ...decision.reasons.map((r) => el("div", {}, el("code", {}, r.rule), ` ${r.message}`))),
      ),
    );
    target.replaceChildren(
      el("p", {}, "At ", el("strong", {}, showTime(at, zone)), ` (${zone}) the contact is in `, el("strong", { class: "stage-name" }, stage ?? "?"), "."),
      el("table", { class: "decisions" }, el("caption", { class: "visually-hidden" }, "the decision for a touch on each channel at the chosen instant"), el("thead", {}, el("tr", {}, ...["channel", "verdict", "when", "why"].map((h) => el("th", { scope: "col" }, h)))), el("tbody", {}, ...rows)),
    );
  }

  private showTooltip(text: string, e: MouseEvent): void {
    this.tooltip.textContent = text;
    this.tooltip.hidden = false;
    const x = Math.min(e.clientX + 14, window.innerWidth - this.tooltip.offsetWidth - 8);
    this.tooltip.style.left = `${x + window.scrollX}px`;
    this.tooltip.style.top = `${e.clientY + 16 + window.scrollY}px`;
  }

  private showTooltipAt(text: string, node: HTMLElement): void {
    const rect = node.getBoundingClientRect();
    this.tooltip.textContent = text;
    this.tooltip.hidden = false;
    const x = Math.min(Math.max(rect.left, 8), window.innerWidth - this.tooltip.offsetWidth - 8);
    this.tooltip.style.left = `${x + window.scrollX}px`;
    this.tooltip.style.top = `${rect.bottom + 6 + window.scrollY}px`;
  }

  private hideTooltip(): void {
    this.tooltip.hidden = true;
  }
}

function pct(part: number, whole: number): string {
  return `${((part / whole) * 100).toFixed(3)}%`;
}

/** One letter for a marker: the touch's channel initial, `R` for a reply, `S` for another signal. */
function eventGlyph(event: HistoryEvent): string {
  if (event.type === "touch") return (event.channel ?? "?").charAt(0).toUpperCase();
  if (event.type === "reply") return "R";
  if (event.type === "unsubscribe") return "U";
  if (event.type === "content_download") return "D";
  return "S";
}

/** `touch email on Tue 3 Mar 10:00`, `reply (sentiment "negative") on ...`. */
export function describeEvent(event: HistoryEvent, zone: string): string {
  const props = Object.entries(event)
    .filter(([key]) => !["type", "at", "id", "channel"].includes(key))
    .map(([key, value]) => `${key} ${JSON.stringify(value)}`);
  const t = Date.parse(event.at);
  const when = Number.isFinite(t) ? showTime(t, zone) : event.at;
  return `${event.type}${event.channel === undefined ? "" : ` ${event.channel}`}${props.length === 0 ? "" : ` (${props.join(", ")})`} on ${when}`;
}

/** The first day the axis should show for a history and an instant. */
export function axisStartFor(history: readonly HistoryEvent[], at: string, zone: string): string {
  const times = [...history.map((e) => Date.parse(e.at)), Date.parse(at)].filter((t) => Number.isFinite(t));
  const first = Math.min(...times);
  return localDay(Number.isFinite(first) ? first : Date.parse("2026-03-02T00:00:00Z"), zone);
}
