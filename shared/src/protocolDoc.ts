import { z } from 'zod';
import { PROTOCOL_VERSION } from './limits.ts';
import { clientCommands, serverEvents, type ClientCommandName, type ServerEventName } from './room.ts';

/** One line per command and event; a missing one fails to compile, so the document stays whole. */
const commandSummaries: Record<ClientCommandName, string> = {
  'room:join':
    'Enter a session’s room (the confidentiality reminder acknowledged). Answers with the room, the roster, and the events after `afterSeq`; while the waiting room holds the person, `admitted` is false and no events come.',
  'room:catch-up': 'The events after a sequence number: how a client that noticed a gap fills it.',
  'room:leave': 'Leave the room. Others see the person as left once their last connection goes.',
  'room:presence': 'Step out (`stepped_out`) or come back (`present`). Others see only "stepped out".',
  'room:typing': 'The person is typing. Passed on to the others in the room, never stored.',
  'room:admit': 'Facilitators: let someone in from the waiting room.',
  'message:send':
    'Post a message. The `clientId` makes a resend safe; the answer comes after the message is stored, with its sequence number.',
  'message:edit': 'Change the text of one’s own message.',
  'message:delete': 'Delete one’s own message: its text is removed, others see that it was deleted.',
  'message:react': 'Give (`on: true`) or take back a supportive reaction.',
  'message:warn': 'Facilitators: add or change a message’s content warning, for everyone at once.',
  'message:report': 'Report someone else’s message to the facilitators, with a reason.',
  'support:request': '"I need support": a discreet signal only the room’s facilitators receive. Says whether a facilitator is present.',
  'staff:state': 'Facilitators: the console’s state (waiting room, support requests, alerts, reports, check-in answers, mutes, side conversations).',
  'room:admit-all': 'Facilitators: let everyone in the waiting room in.',
  'room:announce': 'Facilitators: an announcement to the whole room, shown apart from the conversation.',
  'room:pause': 'Facilitators: a grounding pause for a number of seconds; nobody can post until it ends.',
  'room:resume': 'Facilitators: end a grounding pause early.',
  'room:slow-mode': 'Facilitators: seconds a participant waits between messages (0 turns it off).',
  'room:lock': 'Facilitators: lock the room to new entries, or unlock it.',
  'checkin:open': 'Facilitators: open a check-in round (green, amber, red, and a word).',
  'checkin:close': 'Facilitators: close the check-in round.',
  'checkin:answer': 'A participant answers the open check-in round; only facilitators see answers.',
  'member:mute': 'Facilitators: mute someone for some minutes; it ends by itself.',
  'member:unmute': 'Facilitators: end a mute early.',
  'member:remove': 'Facilitators: remove someone from this session’s room.',
  'member:ban': 'Facilitators: ban someone from the group, with a reason; an organiser can lift it.',
  'message:hide': 'Facilitators: hide a message from the room, or show it again; facilitators still see it.',
  'message:remove': 'Facilitators: delete someone’s message.',
  'member:clear-messages': 'Facilitators: delete all of one person’s messages in this session.',
  'report:resolve': 'Facilitators: resolve a report (action taken or dismissed), with a note. The reported text is then discarded.',
  'support:acknowledge': 'Facilitators: acknowledge a support request.',
  'alert:acknowledge': 'Facilitators: acknowledge a crisis-language alert.',
  'side:send': 'A message in the private thread between the facilitators and one participant.',
};

const eventSummaries: Record<ServerEventName, string> = {
  'room:event':
    'A sequenced room event: a message posted or changed (with the message as it stands now), presence, or the room closing. Apply it only when its `seq` is one more than the last applied; otherwise ask `room:catch-up`.',
  'room:typing': 'Someone in the room is typing.',
  'room:admitted': 'To the person let in from the waiting room: join again to enter.',
  'room:notice': 'To one person: what a facilitator did that concerns them (a mute, a removal, a hidden message…), in plain words.',
  'staff:changed': 'To facilitators: the console changed; ask `staff:state` when `version` is newer than the one held.',
  'side:message': 'To the facilitators and the participant concerned: a message in their side conversation.',
  'command:rejected': 'A command sent without an acknowledgement callback failed; this says why.',
};

const schemaBlock = (schema: z.ZodType, io: 'input' | 'output') =>
  ['```json', JSON.stringify(z.toJSONSchema(schema, { io, unrepresentable: 'any' }), null, 2), '```'].join('\n');

/** docs/protocol.md, rendered from the schemas every client and the server use. */
export function renderProtocolDoc(): string {
  const lines = [
    '# Hearth socket protocol',
    '',
    `Protocol version ${PROTOCOL_VERSION}. Generated from \`shared/src/room.ts\` by \`npm run docs:protocol\`;`,
    'a unit test fails when this file and the schemas disagree.',
    '',
    'Clients connect with socket.io at `/socket.io` with their login cookie. Every command is',
    'acknowledged with `{ "ok": true, "data": … }` or `{ "ok": false, "error": { "code", "message" } }`;',
    'a payload that does not match its schema is answered with `invalid_input` and changes nothing.',
    '',
    '## Commands (client to server)',
    '',
  ];
  for (const [name, command] of Object.entries(clientCommands)) {
    lines.push(`### \`${name}\``, '', commandSummaries[name as ClientCommandName], '', 'Payload:', '');
    lines.push(schemaBlock(command.payload, 'input'), '', 'Answer data:', '', schemaBlock(command.result, 'output'), '');
  }
  lines.push('## Events (server to client)', '');
  for (const [name, schema] of Object.entries(serverEvents)) {
    lines.push(`### \`${name}\``, '', eventSummaries[name as ServerEventName], '', schemaBlock(schema, 'output'), '');
  }
  return lines.join('\n');
}
