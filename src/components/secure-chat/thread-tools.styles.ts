import { css } from 'lit';

/** Styles of the thread list's filter and rows, the banner and the typing line (search and export bring their own). */
export const threadToolsStyles = css`
  input[type='search'] {
    font: inherit;
    color: inherit;
    box-sizing: border-box;
    inline-size: 100%;
    min-block-size: 44px;
    padding-inline: calc(var(--bm-space) / 2);
    border: 1px solid var(--bm-color-border);
    border-radius: var(--bm-radius);
    background: var(--bm-color-bg);
  }

  input[type='search']:focus-visible,
  [part~='message']:focus {
    outline: 2px solid var(--bm-color-accent);
    outline-offset: 2px;
  }

  .filter-row {
    padding: calc(var(--bm-space) / 2);
  }

  [part~='thread-item'] {
    flex-direction: column;
    align-items: stretch;
    gap: 0;
    padding-block: calc(var(--bm-space) / 3);
  }

  .thread-line {
    display: flex;
    align-items: center;
    gap: calc(var(--bm-space) / 2);
    min-inline-size: 0;
  }

  [part~='thread-time'],
  [part~='thread-participants'] {
    font-size: 0.8em;
    color: var(--bm-color-muted);
    font-weight: normal;
  }

  [part~='thread-time'] {
    flex: none;
  }

  [part~='thread-participants'] {
    flex: 1;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  [part~='thread-list-empty'] {
    margin: 0;
    padding-inline: var(--bm-space);
    color: var(--bm-color-muted);
  }

  [part~='thread-list-empty']:empty {
    display: none;
  }

  .banners {
    grid-column: 1 / -1;
  }

  /* The banner row is always there (its live regions must be), and takes no room while empty. */
  [part~='base'] {
    grid-template-rows: auto 1fr;
  }

  [part~='banner'] {
    display: flex;
    align-items: center;
    gap: calc(var(--bm-space) / 2);
    margin: 0;
    padding: calc(var(--bm-space) / 2) var(--bm-space);
    border-block-end: 1px solid var(--bm-color-border);
    background: var(--bm-color-surface);
  }

  [part~='banner'] p {
    flex: 1;
    margin: 0;
  }

  [part~='banner'].error {
    border-inline-start: 4px solid var(--bm-color-accent);
  }

  .icon-button {
    display: inline-grid;
    place-items: center;
    padding: 0;
    flex: none;
  }

  .icon {
    fill: none;
    stroke: currentColor;
    stroke-width: 1.5;
    stroke-linecap: round;
    stroke-linejoin: round;
  }

  .thread {
    display: flex;
    flex-direction: column;
  }

  /* Grows to fill a host given a height, shrinks and scrolls when it is too small; as tall as its content otherwise. */
  .thread > [part~='messages'] {
    flex: 1 1 auto;
    min-block-size: 0;
  }

  [part~='typing'] {
    min-block-size: 1.5em;
    padding-inline: var(--bm-space);
    font-size: 0.85em;
    font-style: italic;
    color: var(--bm-color-muted);
  }
`;
