import { css } from 'lit';

/** The devices dialog's rules, adopted into the shadow root when the dialog first loads. */
export const styles = css`
  [part~='devices-dialog'] {
    max-inline-size: min(30rem, 90vw);
    border: 1px solid var(--bm-color-border);
    border-radius: var(--bm-radius);
    background: var(--bm-color-bg);
    color: var(--bm-color-text);
  }

  [part~='devices-dialog'] h2 {
    margin-block-start: 0;
    font-size: 1.125em;
  }

  [part~='devices-dialog'] h3 {
    font-size: 1em;
  }

  [part~='devices-dialog'] .actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: calc(var(--bm-space) / 2);
  }

  [part~='devices-dialog'] .confirm {
    background: var(--bm-color-accent);
    color: var(--bm-color-bg);
  }

  .devices-notice:empty {
    display: none;
  }

  .device-list {
    margin: 0 0 var(--bm-space);
    padding: 0;
    list-style: none;
  }

  [part~='device-item'],
  [part~='link-request'] {
    display: flex;
    align-items: center;
    gap: calc(var(--bm-space) / 2);
    padding-block: calc(var(--bm-space) / 3);
  }

  .device-name {
    flex: 1;
    font-family: var(--bm-font-family-mono, ui-monospace, monospace);
  }

  [part~='link-code'] {
    margin-block: var(--bm-space);
    font-family: var(--bm-font-family-mono, ui-monospace, monospace);
    font-size: 2em;
    letter-spacing: 0.1em;
    text-align: center;
    direction: ltr;
  }
`;
