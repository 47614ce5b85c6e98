import { css } from 'lit';

/** The mention suggestions above the text field; adopted when they first load. */
export const styles = css`
  [part~='mention-list'] {
    flex-basis: 100%;
    box-sizing: border-box;
    font-size: 0.875em;
    max-block-size: 14rem;
    overflow-y: auto;
    border: 1px solid var(--bm-color-border);
    border-radius: var(--bm-radius);
    background: var(--bm-color-bg);
  }

  [part~='mention-option'] {
    display: flex;
    align-items: center;
    min-block-size: 44px;
    padding-inline: var(--bm-space);
    cursor: pointer;
  }

  [part~='mention-option'][aria-selected='true'] {
    background: var(--bm-color-accent);
    color: var(--bm-color-bg);
  }
`;
