/**
 * Rich message text as Lit templates. Each node type has one fixed template; its text goes into a text binding
 * and a link's checked URL into an href binding, so no message can add an element or an attribute of its own.
 */
import { html, type TemplateResult } from 'lit';
import type { UserId } from '../../../adapter/types.js';
import { parseMessage, type RichNode } from './parse.js';

export interface FormatContext {
  /** The name to show for a mentioned user. */
  nameOf(userId: UserId): string;
  /** The reader: a mention of them is marked `mention-self`. */
  me: UserId | null;
}

/** A mention is typed as `@` + the user id or the display name; both show as `@Display Name`. */
function mentionTokens(mentions: readonly UserId[], context: FormatContext): Map<string, UserId> {
  const tokens = new Map<string, UserId>();
  for (const userId of mentions) {
    tokens.set(userId, userId);
    const name = context.nameOf(userId);
    if (name && !tokens.has(name)) tokens.set(name, userId);
  }
  return tokens;
}

function renderNode(node: RichNode, context: FormatContext): TemplateResult | string {
  switch (node.type) {
    case 'text':
      return node.text;
    case 'strong':
      return html`<strong>${renderNodes(node.children, context)}</strong>`;
    case 'em':
      return html`<em>${renderNodes(node.children, context)}</em>`;
    case 'strike':
      return html`<s>${renderNodes(node.children, context)}</s>`;
    case 'code':
      return html`<code part="code">${node.text}</code>`;
    case 'code-block':
      return html`<pre part="code-block" dir="ltr"><code>${node.text}</code></pre>`;
    case 'link':
      return html`<a part="link" href=${node.href} rel="noopener noreferrer nofollow ugc" target="_blank"
        >${node.text}</a
      >`;
    case 'mention':
      return html`<span part=${node.userId === context.me ? 'mention mention-self' : 'mention'} dir="auto"
        >@${context.nameOf(node.userId)}</span
      >`;
  }
}

function renderNodes(nodes: readonly RichNode[], context: FormatContext): Array<TemplateResult | string> {
  return nodes.map((node) => renderNode(node, context));
}

// Every keystroke in the composer re-renders the log; parsing each message again each time would show as lag.
const PARSED_LIMIT = 2000;
const parsed = new Map<string, RichNode[]>();

function parseCached(text: string, tokens: Map<string, UserId>): RichNode[] {
  const key = JSON.stringify([[...tokens], text]);
  let nodes = parsed.get(key);
  if (nodes) parsed.delete(key);
  else nodes = parseMessage(text, tokens);
  parsed.set(key, nodes);
  if (parsed.size > PARSED_LIMIT) parsed.delete(parsed.keys().next().value!);
  return nodes;
}

/** The text of one message, formatted; `mentions` are the user ids the message says it mentions. */
export function formatMessage(
  text: string,
  mentions: readonly UserId[],
  context: FormatContext,
): TemplateResult {
  return html`${renderNodes(parseCached(text, mentionTokens(mentions, context)), context)}`;
}
