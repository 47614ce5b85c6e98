/**
 * Interaction-only UI that loads on first use (the message menu, search, export, mentions, transfers), so the
 * embed entry stays small. The module may bring style sheets of its own; they are adopted into the element's
 * shadow root when it arrives, next to the element's static styles.
 */
import { adoptStyles, supportsAdoptingStyleSheets, type CSSResult, type ReactiveControllerHost } from 'lit';

type Host = ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment };

export class LazyPart<T extends { styles?: CSSResult }> {
  /** The module once it has loaded; until then, whoever renders the part shows its placeholder or nothing. */
  value: T | undefined;
  private loading: Promise<T> | null = null;

  constructor(
    private readonly host: Host,
    private readonly load: () => Promise<T>,
  ) {}

  /** Loads the module once (again after a failure), adopts its styles and asks the host to render. */
  use(): Promise<T> {
    this.loading ??= this.load().then(
      (module) => {
        if (module.styles) adoptInto(this.host.renderRoot, module.styles);
        this.value = module;
        this.host.requestUpdate();
        return module;
      },
      (error: unknown) => {
        this.loading = null;
        throw error;
      },
    );
    return this.loading;
  }
}

/** Adds a lazily loaded part's style sheet to the element's shadow root, once. */
export function adoptInto(root: HTMLElement | DocumentFragment, styles: CSSResult): void {
  const shadow = root as ShadowRoot;
  if (supportsAdoptingStyleSheets && styles.styleSheet) {
    if (!shadow.adoptedStyleSheets.includes(styles.styleSheet))
      shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, styles.styleSheet];
  }
  // Lit's own fallback: a <style> element carrying the page's `litNonce`.
  else adoptStyles(shadow, [styles]);
}
