import type { RoomNotice } from '@hearth/shared';

/** Plain words for the person concerned; never why, never shaming, always what they can do. */
export const notices = {
  muted: (minutes: number) =>
    `A facilitator has paused your messages in this room for ${minutes} minute${minutes === 1 ? '' : 's'}. ` +
    'You can keep reading, and you can message the facilitators privately. When the time is up you can write again, without doing anything.',
  unmuted: 'You can write in the room again.',
  removed:
    'A facilitator has asked you to leave this session’s room. You are welcome at the group’s next session. ' +
    'If you need support now, the crisis resources are still here for you.',
  banned:
    'A facilitator has ended your place in this group. If you think this is a mistake, the person who invited you can ask the group’s organisers to look at it again. ' +
    'If you need support now, the crisis resources are still here for you.',
  messageHidden:
    'A facilitator has hidden one of your messages from the room. You can message the facilitators privately if you want to talk about it.',
  messageRemoved:
    'A facilitator has removed one of your messages from the room. You can message the facilitators privately if you want to talk about it.',
  supportOffered:
    'What you wrote sounds really hard. The facilitators have been quietly told, and support is here if you want it, now or later.',
};


export function unmutedNotice(sessionId: string): RoomNotice {
  return { sessionId, kind: 'unmuted', message: notices.unmuted, until: null };
}
