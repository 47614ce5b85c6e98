// The entry for people who bundle the widget themselves. Importing it defines <bm-secure-chat>.
export { BmSecureChat } from './bm-secure-chat.js';
export * from './components/secure-chat/events.js';
export type { Theme } from './components/secure-chat/secure-chat.component.js';
export { defineOnce } from './utils/define-once.js';
export type { Strings } from './i18n/strings.js';
export * from './adapter/types.js';
