import { css } from 'lit';

/** The export dialog's own rules (it shares the dialog look in secure-chat.styles.ts); adopted when it loads. */
export const styles = css`
  [part~='export-dialog'] .actions {
    flex-wrap: wrap;
  }

  [part~='export-dialog'] [aria-disabled='true'] {
    opacity: 0.6;
    cursor: progress;
  }
`;
