import { css } from 'lit';

/** A message's actions menu and the delete confirmation; adopted when the menu first loads. */
export const styles = css`
  [part~='actions-menu'] {
    display: flex;
    flex-wrap: wrap;
    flex-basis: 100%;
    justify-content: flex-end;
    gap: calc(var(--bm-space) / 3);
    margin-block-start: calc(var(--bm-space) / 3);
  }

  [part~='actions-menu'] button {
    padding-inline: calc(var(--bm-space) * 0.75);
    color: var(--bm-color-text);
    background: var(--bm-color-bg);
  }

  [part~='actions-menu'] .emoji {
    font-size: 1.25em;
  }

  [part~='actions-menu'] [aria-checked='true'] {
    border-color: var(--bm-color-accent);
    box-shadow: inset 0 0 0 1px var(--bm-color-accent);
  }

  .delete-dialog form {
    margin: 0;
  }
`;
