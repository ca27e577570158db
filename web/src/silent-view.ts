/**
 * "What a silent contact gets": the touches `analyzeSilentContact` sends a
 * contact who never answers, on a time axis, stage by stage, with the
 * report's sentence and a table of the stays.
 *
 * @module
 */

import type { SilentContactReport } from "../../src/index.js";
import { el, svg, stageColor, type StageList } from "./dom.js";

const DAY = 86_400_000;
const WIDTH = 860;
const LEFT = 118;
const RIGHT = 16;

/** Days on a square-root scale: the first week and the last months both stay readable. */
function scale(spanDays: number): (days: number) => number {
  const usable = WIDTH - LEFT - RIGHT;
  return (days) => LEFT + (Math.sqrt(Math.max(days, 0)) / Math.sqrt(spanDays)) * usable;
}

/** Draws the report into `target` (its previous content replaced). */
export function drawSilent(target: HTMLElement, report: SilentContactReport, summary: string, stages: StageList): void {
  target.replaceChildren();
  target.append(el("p", { class: "silent-summary" }, summary));
  const start = Date.parse(report.start);
  const touches = report.run.touches;
  const lastTouch = touches.length > 0 ? (Date.parse(touches[touches.length - 1]!.at) - start) / DAY : 0;
  const spanDays = Math.max(7, Math.min(report.horizonDays, Math.ceil(Math.max(report.endsAfterDays, lastTouch) * 1.08 + 1)));
  const x = scale(spanDays);
  const channels = [...new Set(touches.map((t) => t.channel))];
  const rowHeight = 26;
  const top = 8;
  const height = top + rowHeight * (channels.length + 1) + 34;
  const chart = svg("svg", {
    viewBox: `0 0 ${WIDTH} ${height}`,
    class: "silent-chart",
    role: "img",
    "aria-label": `timeline of a silent contact: ${summary}`,
  });
  // stage bands
  for (const visit of report.visits) {
    const from = (Date.parse(visit.enteredAt) - start) / DAY;
    if (from > spanDays) continue;
    const to = visit.leftAt === undefined ? spanDays : Math.min((Date.parse(visit.leftAt) - start) / DAY, spanDays);
    const x0 = x(from);
    const x1 = Math.max(x(to), x0 + 2);
    const color = stageColor(visit.stage, stages);
    const band = svg("rect", { x: x0, y: top, width: x1 - x0, height: rowHeight - 4, rx: 3, fill: color.fill, stroke: color.stroke });
    band.append(svg("title", {}, `${visit.stage}: entered on day ${Math.round(from * 10) / 10}, ${visit.touches} touch${visit.touches === 1 ? "" : "es"}`));
    chart.append(band);
    if (x1 - x0 > 40) chart.append(svg("text", { x: x0 + 6, y: top + 16, class: "band-label", fill: color.text }, visit.stage));
  }
  chart.append(svg("text", { x: 8, y: top + 16, class: "row-label" }, "stage"));
  // touches, one row per channel
  channels.forEach((channel, i) => {
    const y = top + rowHeight * (i + 1) + rowHeight / 2 - 2;
    chart.append(svg("text", { x: 8, y: y + 4, class: "row-label" }, channel));
    chart.append(svg("line", { x1: LEFT, x2: WIDTH - RIGHT, y1: y, y2: y, class: "row-line" }));
    for (const touch of touches) {
      if (touch.channel !== channel) continue;
      const day = (Date.parse(touch.at) - start) / DAY;
      if (day > spanDays) continue;
      const dot = svg("circle", { cx: x(day), cy: y, r: 5, fill: stageColor(touch.stage, stages).stroke, class: "touch-dot" });
      dot.append(svg("title", {}, `${channel} on day ${Math.floor(day) + 1} (${touch.at}), in ${touch.stage}`));
      chart.append(dot);
    }
  });
  // the axis: days since the first touch could be sent
  const axisY = top + rowHeight * (channels.length + 1) + 6;
  chart.append(svg("line", { x1: LEFT, x2: WIDTH - RIGHT, y1: axisY, y2: axisY, class: "axis-line" }));
  for (const d of [0, 1, 3, 7, 14, 30, 60, 90, 180, 365]) {
    if (d > spanDays) break;
    chart.append(svg("line", { x1: x(d), x2: x(d), y1: axisY, y2: axisY + 5, class: "axis-line" }));
    chart.append(svg("text", { x: x(d), y: axisY + 18, class: "axis-label", "text-anchor": "middle" }, d === 0 ? "start" : `day ${d}`));
  }
  target.append(chart);

  const table = el("table", { class: "visits" });
  table.append(el("caption", { class: "visually-hidden" }, "the silent contact's stays, stage by stage"));
  const head = el("tr", {}, ...["stage", "entered", "stayed", "touches"].map((h) => el("th", { scope: "col" }, h)));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  for (const visit of report.visits) {
    const from = (Date.parse(visit.enteredAt) - start) / DAY;
    const by = Object.entries(visit.byChannel)
      .map(([channel, n]) => `${n} ${channel}`)
      .join(", ");
    body.append(
      el(
        "tr",
        {},
        el("td", {}, el("span", { class: "swatch", style: `background:${stageColor(visit.stage, stages).fill};border-color:${stageColor(visit.stage, stages).stroke}` }), visit.stage),
        el("td", {}, `day ${Math.round(from * 10) / 10}`),
        el("td", {}, visit.final ? "final" : visit.leftAt === undefined ? `${visit.days} days (to the horizon)` : `${visit.days} days`),
        el("td", {}, visit.touches === 0 ? "none" : by),
      ),
    );
  }
  table.append(body);
  target.append(table);
}
