// The one-script-tag entry: `<script type="module" src=".../bm-secure-chat.js">` defines <bm-secure-chat>.
import './bm-secure-chat.js';
