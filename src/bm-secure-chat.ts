// Registration is the only side effect of importing this module.
import { BmSecureChat } from './components/secure-chat/secure-chat.component.js';
import { defineOnce } from './utils/define-once.js';

defineOnce('bm-secure-chat', BmSecureChat);

export { BmSecureChat };

declare global {
  interface HTMLElementTagNameMap {
    'bm-secure-chat': BmSecureChat;
  }
}
