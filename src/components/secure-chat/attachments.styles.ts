import { css } from 'lit';

/** The attach button, the transfers above the composer, and an attachment's preview and download button. */
export const attachmentStyles = css`
  [part~='attach-button'] {
    align-self: flex-end;
  }

  [part~='preview'] {
    display: block;
    flex-basis: 100%;
    max-inline-size: min(100%, 20rem);
    max-block-size: 20rem;
    inline-size: auto;
    block-size: auto;
    object-fit: contain;
    border-radius: calc(var(--bm-radius) / 2);
  }

  [part~='download-button'] {
    color: var(--bm-color-text);
  }

  .transfers {
    list-style: none;
    margin: 0;
    padding: calc(var(--bm-space) / 2) var(--bm-space) 0;
    display: grid;
    gap: calc(var(--bm-space) / 3);
    border-block-start: 1px solid var(--bm-color-border);
  }

  [part~='transfer'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0 calc(var(--bm-space) / 2);
  }

  [part~='transfer'] .file-name {
    flex: 1 1 8rem;
    min-inline-size: 0;
  }

  [part~='transfer'] progress {
    flex: 2 1 8rem;
    accent-color: var(--bm-color-accent);
  }

  [part~='transfer'] .warning {
    flex: 2 1 12rem;
  }
`;
