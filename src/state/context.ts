import { createContext } from '@lit/context';
import type { ChatState } from './chat-state.js';
import type { ChatActions } from './actions.js';

/** What the root element hands down to every inner element. */
export interface ChatContextValue {
  state: ChatState;
  actions: ChatActions;
}

export const chatContext = createContext<ChatContextValue>(Symbol('bm-chat'));
