/**
 * The policy's state machine, drawn by Mermaid from `renderGraph` (the text
 * `heed graph` prints), with the chosen contact's stage highlighted. Mermaid
 * is loaded on first use, from the page's own origin.
 *
 * @module
 */

type Mermaid = (typeof import("mermaid"))["default"];

let loading: Promise<Mermaid> | undefined;

function mermaid(): Promise<Mermaid> {
  loading ??= import("mermaid").then(({ default: m }) => {
    m.initialize({
      startOnLoad: false,
      securityLevel: "strict",
      theme: "base",
      fontFamily: "inherit",
      themeVariables: {
        primaryColor: "#eef2f7",
        primaryBorderColor: "#5b6b82",
        primaryTextColor: "#1b2330",
        lineColor: "#5b6b82",
        fontSize: "14px",
      },
      state: { useMaxWidth: true },
    });
    return m;
  });
  return loading;
}

/**
 * The Mermaid text with `stage` marked as the current one. Stages are
 * found by the `state "NAME" as ID` lines `renderGraph` writes.
 */
export function withCurrentStage(text: string, stage: string | undefined): string {
  if (stage === undefined) return text;
  for (const line of text.split("\n")) {
    const match = /^\s*state "((?:[^"\\]|\\.)*)" as (\S+)$/.exec(line);
    if (match !== null && match[1] === stage) {
      return `${text.trimEnd()}\n  classDef current fill:#2f6fde,stroke:#163d82,stroke-width:3px,color:#ffffff\n  class ${match[2]} current\n`;
    }
  }
  return text;
}

let counter = 0;

/** Renders the diagram into `target`; resolves once drawn. A failure is shown in place, never thrown. */
export async function drawDiagram(target: HTMLElement, text: string, stage: string | undefined): Promise<void> {
  const m = await mermaid();
  // left to right: a cadence reads as a sequence, and the page is wider than tall
  const source = withCurrentStage(text, stage).replace(/^stateDiagram-v2\n/, "stateDiagram-v2\n  direction LR\n");
  try {
    const { svg } = await m.render(`heed-diagram-${++counter}`, source);
    target.innerHTML = svg;
    const drawn = target.querySelector("svg");
    drawn?.setAttribute("role", "img");
    drawn?.setAttribute("aria-label", stage === undefined ? "the policy's stages and transitions" : `the policy's stages and transitions; the contact is in \`${stage}\``);
    target.dataset.stage = stage ?? "";
  } catch (error) {
    target.textContent = `the diagram could not be drawn: ${(error as Error).message}`;
  }
}
