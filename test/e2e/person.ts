// One person's page for the end-to-end tests (test/e2e/harness.mjs): the element talks to the reference server
// through its own HttpAdapter, given `endpoint` and the person's bearer token in the URL's hash
// (`#endpoint=…&token=…`; a hash never reaches a server).
import type { BmSecureChat } from '../../src/bm-secure-chat.js';
import '../../src/bm-secure-chat.js';

const params = new URLSearchParams(location.hash.slice(1));
const el = document.querySelector<BmSecureChat>('bm-secure-chat')!;
el.token = params.get('token');
el.endpoint = params.get('endpoint');
