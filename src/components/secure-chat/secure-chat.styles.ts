import { css } from 'lit';

/**
 * Tokens are declared on :host so a theme author can override any of them from outside, and the dark set
 * switches by the `theme` attribute (or the system setting under `auto`) without a remount.
 */
export const styles = css`
  :host {
    --bm-color-bg: #ffffff;
    --bm-color-surface: #f4f5f7;
    --bm-color-text: #1b1d21;
    --bm-color-muted: #5b6170;
    --bm-color-accent: #2450c8;
    --bm-color-border: #d5d8de;
    --bm-font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --bm-font-size: 1rem;
    --bm-space: 0.75rem;
    --bm-radius: 0.5rem;
    --bm-bubble-radius: 1rem;
    --bm-bubble-own-bg: #2450c8;
    --bm-bubble-own-fg: #ffffff;
    --bm-bubble-other-bg: #eceef2;
    --bm-bubble-other-fg: #1b1d21;
    --bm-mention-self-bg: #ffe08a;
    --bm-mention-self-fg: #1b1d21;
    --bm-font-family-mono: ui-monospace, 'SF Mono', Menlo, Consolas, monospace;

    display: block;
    box-sizing: border-box;
    color-scheme: light;
    color: var(--bm-color-text);
    background: var(--bm-color-bg);
    font-family: var(--bm-font-family);
    font-size: var(--bm-font-size);
    line-height: 1.5;
    /* Inherited text styles of the page (a theme's uppercase, letter spacing, bold body text) stop here; a rule
       on the element itself still wins over these. */
    font-style: normal;
    font-weight: 400;
    letter-spacing: normal;
    word-spacing: normal;
    text-transform: none;
    text-align: start;
    text-indent: 0;
    text-shadow: none;
    border: 1px solid var(--bm-color-border);
    border-radius: var(--bm-radius);
    min-block-size: 12rem;
    overflow: hidden;
  }

  :host([hidden]) {
    display: none;
  }

  :host([theme='dark']) {
    color-scheme: dark;
    --bm-color-bg: #15171b;
    --bm-color-surface: #1f2228;
    --bm-color-text: #eef0f4;
    --bm-color-muted: #a9afbd;
    --bm-color-accent: #8fb0ff;
    --bm-color-border: #3a3f4a;
    --bm-bubble-own-bg: #3a5fd0;
    --bm-bubble-other-bg: #2a2e36;
    --bm-bubble-other-fg: #eef0f4;
  }

  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      color-scheme: dark;
      --bm-color-bg: #15171b;
      --bm-color-surface: #1f2228;
      --bm-color-text: #eef0f4;
      --bm-color-muted: #a9afbd;
      --bm-color-accent: #8fb0ff;
      --bm-color-border: #3a3f4a;
      --bm-bubble-own-bg: #3a5fd0;
      --bm-bubble-other-bg: #2a2e36;
      --bm-bubble-other-fg: #eef0f4;
    }
  }

  :host {
    container-type: inline-size;
  }

  [part~='base'] {
    display: grid;
    grid-template-columns: minmax(12rem, 18rem) 1fr;
    min-block-size: inherit;
    block-size: 100%;
    box-sizing: border-box;
  }

  /* Matter-chat mode (\`thread\` set): no list, so the conversation takes the whole width. */
  [part~='base']:not(:has(> [part~='thread-list'])) {
    grid-template-columns: 1fr;
  }

  [part~='base']:has(> [part~='empty']) {
    grid-template-columns: 1fr;
    place-items: center;
    padding: var(--bm-space);
  }

  [part~='thread-list'] {
    border-inline-end: 1px solid var(--bm-color-border);
    background: var(--bm-color-surface);
    overflow-y: auto;
  }

  [part~='thread-list'] ul,
  [part~='messages'] {
    list-style: none;
    margin: 0;
    padding: 0;
  }

  button,
  textarea {
    font: inherit;
    color: inherit;
  }

  button {
    min-block-size: 44px;
    min-inline-size: 44px;
    border-radius: var(--bm-radius);
    border: 1px solid var(--bm-color-border);
    background: var(--bm-color-bg);
    cursor: pointer;
  }

  button:focus-visible,
  textarea:focus-visible {
    outline: 2px solid var(--bm-color-accent);
    outline-offset: 2px;
  }

  [part~='thread-item'] {
    display: flex;
    align-items: center;
    gap: calc(var(--bm-space) / 2);
    inline-size: 100%;
    padding-inline: var(--bm-space);
    border: 0;
    border-radius: 0;
    background: transparent;
    text-align: start;
  }

  [part~='thread-item'][aria-current='true'] {
    background: var(--bm-color-bg);
    font-weight: 600;
  }

  .title {
    flex: 1;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .unread {
    min-inline-size: 1.5em;
    padding-inline: 0.4em;
    border-radius: 1em;
    background: var(--bm-color-accent);
    color: var(--bm-color-bg);
    text-align: center;
    font-size: 0.85em;
  }

  .thread {
    display: grid;
    grid-template-rows: auto 1fr auto;
    min-block-size: 0;
  }

  [part~='header'] {
    display: flex;
    align-items: center;
    gap: calc(var(--bm-space) / 2);
    padding: calc(var(--bm-space) / 2) var(--bm-space);
    border-block-end: 1px solid var(--bm-color-border);
  }

  [part~='title'] {
    margin: 0;
    font-size: 1.05em;
    flex: 1;
  }

  .back {
    display: none;
  }

  /* The arrow points back along the reading direction. */
  [part~='base'][dir='rtl'] .back {
    transform: scaleX(-1);
  }

  [part~='messages'] {
    overflow-y: auto;
    padding: var(--bm-space);
    display: flex;
    flex-direction: column;
    gap: calc(var(--bm-space) / 2);
  }

  /* The log's rows come in two runs: history (not announced) and messages that arrived while open. */
  [part~='messages'] > .rows {
    display: flex;
    flex-direction: column;
    gap: inherit;
  }

  [part~='messages'] > .rows:empty {
    display: none;
  }

  [part~='message'] {
    max-inline-size: 80%;
    padding: calc(var(--bm-space) / 2) var(--bm-space);
    border-radius: var(--bm-bubble-radius);
    background: var(--bm-bubble-other-bg);
    color: var(--bm-bubble-other-fg);
    align-self: flex-start;
  }

  [part~='message'].own {
    background: var(--bm-bubble-own-bg);
    color: var(--bm-bubble-own-fg);
    align-self: flex-end;
  }

  [part~='message-body'] {
    margin: 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }

  [part~='message'].continued {
    margin-block-start: calc(var(--bm-space) / -3);
  }

  .sender,
  .meta {
    display: block;
    font-size: 0.8em;
    opacity: 0.85;
  }

  .footer {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: flex-end;
    gap: 0 calc(var(--bm-space) / 2);
  }

  .footer:empty {
    display: none;
  }

  [part~='time'] {
    font-size: 0.75em;
    opacity: 0.85;
  }

  [part~='day-separator'] {
    margin-block: calc(var(--bm-space) / 2) 0;
    text-align: center;
    font-size: 0.8em;
    font-weight: 600;
    color: var(--bm-color-muted);
  }

  [part~='link'] {
    color: inherit;
    text-decoration: underline;
    text-underline-offset: 0.15em;
  }

  [part~='link']:focus-visible {
    outline: 2px solid currentColor;
    outline-offset: 1px;
  }

  [part~='mention'] {
    font-weight: 600;
    unicode-bidi: isolate;
  }

  [part~='mention-self'] {
    padding-inline: 0.2em;
    border-radius: 0.25em;
    background: var(--bm-mention-self-bg);
    color: var(--bm-mention-self-fg);
  }

  [part~='code'],
  [part~='code-block'] {
    font-family: var(--bm-font-family-mono);
    font-size: 0.9em;
    background: rgb(0 0 0 / 0.12);
    border-radius: 0.25em;
  }

  [part~='code'] {
    padding-inline: 0.25em;
  }

  [part~='code-block'] {
    margin-block: 0.25em;
    padding: 0.4em 0.6em;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }

  [part~='attachment'] {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0 calc(var(--bm-space) / 2);
    padding-block: 0.25em;
  }

  .file-name {
    font-weight: 600;
    overflow-wrap: anywhere;
    unicode-bidi: isolate;
  }

  .file-size {
    font-size: 0.8em;
    opacity: 0.85;
  }

  .warning {
    font-style: italic;
  }

  .info {
    font-style: italic;
    opacity: 0.85;
  }

  [part~='composer'] {
    display: flex;
    gap: calc(var(--bm-space) / 2);
    padding: calc(var(--bm-space) / 2) var(--bm-space);
    border-block-start: 1px solid var(--bm-color-border);
  }

  [part~='input'] {
    flex: 1;
    resize: vertical;
    min-block-size: 44px;
    padding: calc(var(--bm-space) / 2);
    border: 1px solid var(--bm-color-border);
    border-radius: var(--bm-radius);
    background: var(--bm-color-bg);
  }

  .lock {
    flex: none;
    fill: none;
    stroke: currentColor;
    stroke-width: 1.5;
  }

  .lock.closed rect {
    fill: currentColor;
  }

  [part~='dialog'],
  [part~='export-dialog'] {
    max-inline-size: min(32rem, 90vw);
    border: 1px solid var(--bm-color-border);
    border-radius: var(--bm-radius);
    background: var(--bm-color-bg);
    color: var(--bm-color-text);
  }

  [part~='dialog'] .actions,
  [part~='export-dialog'] .actions {
    display: flex;
    justify-content: flex-end;
    gap: calc(var(--bm-space) / 2);
  }

  [part~='dialog'] .confirm,
  [part~='export-dialog'] .confirm {
    background: var(--bm-color-accent);
    color: var(--bm-color-bg);
  }

  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  /* A phone column: the list and the thread are two screens. */
  @container (max-inline-size: 40rem) {
    [part~='base'] {
      grid-template-columns: 1fr;
    }
    .has-open [part~='thread-list'] {
      display: none;
    }
    .back {
      display: inline-block;
    }
    /* A long title and the header's buttons share a phone's width by wrapping, never by overflowing. */
    [part~='header'] {
      flex-wrap: wrap;
    }
    [part~='title'] {
      min-inline-size: 0;
      overflow-wrap: anywhere;
    }
  }

  [part~='empty'] {
    text-align: center;
    max-inline-size: 28rem;
  }

  [part~='empty'] h2 {
    margin-block: 0 calc(var(--bm-space) / 2);
    font-size: 1.125em;
  }

  [part~='empty'] p {
    margin: 0;
    color: var(--bm-color-muted);
  }
`;
