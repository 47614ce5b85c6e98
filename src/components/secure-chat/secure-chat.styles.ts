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

    display: block;
    box-sizing: border-box;
    color-scheme: light;
    color: var(--bm-color-text);
    background: var(--bm-color-bg);
    font-family: var(--bm-font-family);
    font-size: var(--bm-font-size);
    line-height: 1.5;
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

  [part~='base'] {
    display: grid;
    place-items: center;
    min-block-size: inherit;
    padding: var(--bm-space);
    box-sizing: border-box;
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
