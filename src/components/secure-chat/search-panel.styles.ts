import { css } from 'lit';

/** The search panel under the thread header; adopted when the panel first loads. */
export const styles = css`
  [part~='search'] {
    display: flex;
    flex-direction: column;
    gap: calc(var(--bm-space) / 3);
    padding: calc(var(--bm-space) / 2) var(--bm-space);
    border-block-end: 1px solid var(--bm-color-border);
    background: var(--bm-color-surface);
  }

  .search-row {
    display: flex;
    gap: calc(var(--bm-space) / 2);
  }

  .search-note,
  .search-status {
    margin: 0;
    font-size: 0.85em;
    color: var(--bm-color-muted);
  }

  .search-status:empty {
    display: none;
  }

  [part~='search-results'] {
    list-style: none;
    margin: 0;
    padding: 0;
    max-block-size: 14rem;
    overflow-y: auto;
  }

  [part~='search-result'] {
    display: flex;
    flex-direction: column;
    align-items: stretch;
    inline-size: 100%;
    padding: calc(var(--bm-space) / 3) calc(var(--bm-space) / 2);
    text-align: start;
  }

  .search-meta {
    display: flex;
    justify-content: space-between;
    gap: calc(var(--bm-space) / 2);
    font-size: 0.8em;
    color: var(--bm-color-muted);
  }

  .search-snippet {
    overflow-wrap: anywhere;
  }

  [part~='search-match'] {
    background: var(--bm-mention-self-bg);
    color: var(--bm-mention-self-fg);
    border-radius: 0.2em;
  }
`;
