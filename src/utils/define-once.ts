/**
 * Registers a custom element unless the tag is already taken.
 *
 * A page may load the widget twice (two WordPress plugins that both bundle it, say). A second
 * `customElements.define` of the same tag would throw and break the page; this warns instead.
 * Returns true when this call defined the tag.
 */
export function defineOnce(tag: string, constructor: CustomElementConstructor): boolean {
  if (typeof customElements === 'undefined') return false;
  const existing = customElements.get(tag);
  if (existing) {
    if (existing !== constructor) {
      console.warn(
        `[bm-secure-chat] <${tag}> is already defined by another copy of the widget; keeping the first.`,
      );
    }
    return false;
  }
  customElements.define(tag, constructor);
  return true;
}
