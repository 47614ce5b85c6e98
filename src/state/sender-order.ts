/**
 * Server order, corrected by each sender device's own sequence. A server may list one device's messages in
 * another order than the device sealed them; each envelope carries the device's sequence number for the thread
 * (signed), so within the places a device's messages take in server order, they are put back in the order the
 * device wrote them. Messages of different senders stay interleaved as the server ordered them: nothing signed
 * orders them against each other.
 */
import type { TimelineEvent } from './timeline.js';

/** `sorted`: events in server order. Returns them with each sender device's events in sequence order. */
export function keepSenderOrder(sorted: readonly TimelineEvent[]): TimelineEvent[] {
  const slots = new Map<string, number[]>();
  let outOfOrder = false;
  const last = new Map<string, number>();
  sorted.forEach((event, index) => {
    if (!event.sender) return;
    const { deviceId, sequence } = event.sender;
    const list = slots.get(deviceId);
    if (list) list.push(index);
    else slots.set(deviceId, [index]);
    if ((last.get(deviceId) ?? -Infinity) > sequence) outOfOrder = true;
    last.set(deviceId, sequence);
  });
  if (!outOfOrder) return [...sorted];
  const result = [...sorted];
  for (const indices of slots.values()) {
    const own = indices.map((i) => sorted[i]!).sort((a, b) => a.sender!.sequence - b.sender!.sequence);
    indices.forEach((slot, k) => (result[slot] = own[k]!));
  }
  return result;
}
