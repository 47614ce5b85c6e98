import { css } from 'lit';

/** Reactions, reply quotes, receipts, older history, the composer's modes (the menu and mentions bring their own). */
export const messageActionsStyles = css`
  [part~='message']:focus {
    outline: 2px solid var(--bm-color-accent);
    outline-offset: 2px;
  }

  .message-actions {
    display: contents;
  }

  [part~='actions-button'],
  .mode-cancel {
    border: 0;
    background: transparent;
    line-height: 1;
  }

  [part~='reactions'] {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--bm-space) / 3);
    margin-block-start: calc(var(--bm-space) / 3);
  }

  [part~='reaction'],
  [part~='load-older'] {
    padding-inline: calc(var(--bm-space) * 0.75);
    color: var(--bm-color-text);
    background: var(--bm-color-bg);
  }

  [part~='reaction'][aria-pressed='true'] {
    border-color: var(--bm-color-accent);
    box-shadow: inset 0 0 0 1px var(--bm-color-accent);
  }

  [part~='reaction'] {
    border-radius: 1em;
  }

  [part~='reply-quote'] {
    display: block;
    inline-size: 100%;
    box-sizing: border-box;
    margin-block-end: calc(var(--bm-space) / 3);
    padding: 0.25em 0.6em;
    border: 0;
    border-inline-start: 3px solid currentColor;
    border-radius: 0.25em;
    background: rgb(0 0 0 / 0.1);
    color: inherit;
    font-size: 0.875em;
    text-align: start;
  }

  .quote-sender {
    display: block;
    font-weight: 600;
  }

  [part~='reply-quote'] .quote-text,
  .composer-mode .quote-text {
    display: block;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .quote.unavailable {
    font-style: italic;
  }

  [part~='receipt'] {
    font-size: 0.75em;
    opacity: 0.85;
  }

  [part~='load-older'] {
    align-self: center;
    flex: none;
  }

  [part~='composer'] {
    flex-wrap: wrap;
  }

  [part~='composer-mode'] {
    flex-basis: 100%;
    box-sizing: border-box;
    font-size: 0.875em;
  }

  [part~='composer-mode'] {
    display: flex;
    align-items: center;
    gap: calc(var(--bm-space) / 2);
    padding-inline-start: calc(var(--bm-space) / 2);
    border-inline-start: 3px solid var(--bm-color-accent);
    background: var(--bm-color-surface);
  }

  .mode-label {
    flex: none;
    font-weight: 600;
  }

  .composer-mode .quote-text {
    flex: 1;
    min-inline-size: 0;
  }
`;
